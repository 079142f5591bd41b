//! A receipt as a PDF (A5 portrait) for the school to keep or send: the same content as the
//! printed receipt, drawn with the PDF standard fonts (Helvetica), the QR code as vector
//! squares, and the logo when there is one. Text outside the fonts' Latin-1 range is
//! transliterated ("Nguyễn" is written "Nguyen"); the printed receipt keeps it as typed.

use base64::Engine;
use image::GenericImageView;
use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::format_amount;
use super::receipts::{Receipt, view};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::users::Permission;

const PAGE_W: f32 = 420.0; // A5, in points
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const LOGO: Name<'static> = Name(b"Im1");

/// Text in the fonts' encoding (WinAnsi, which is Latin-1 from 0xA0 up); anything else is
/// transliterated.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = c as u32;
        if (0x20..0x7f).contains(&code) || (0xa0..=0xff).contains(&code) {
            out.push(code as u8);
        } else if c == '\u{2013}' || c == '\u{2014}' || c == '\u{2212}' {
            out.push(b'-');
        } else {
            out.extend(
                deunicode::deunicode_char(c)
                    .unwrap_or("?")
                    .bytes()
                    .filter(|b| (0x20..0x7f).contains(b)),
            );
        }
    }
    out
}

/// Helvetica's advance widths (per 1000 em) for what right-aligned amounts hold; a fair
/// average for the rest.
fn width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 556,
            '.' | ',' | ' ' => 278,
            '-' => 333,
            'A'..='Z' => 667,
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

struct Page {
    c: Content,
    y: f32,
}

impl Page {
    fn text(&mut self, font: Name<'_>, size: f32, x: f32, y: f32, text: &str) {
        self.c.begin_text();
        self.c.set_font(font, size);
        self.c.next_line(x, y);
        self.c.show(Str(&win_ansi(text)));
        self.c.end_text();
    }

    fn right(&mut self, font: Name<'_>, size: f32, right_x: f32, y: f32, text: &str) {
        self.text(font, size, right_x - width(text, size), y, text);
    }

    fn rule(&mut self, y: f32, thick: f32) {
        self.c.set_line_width(thick);
        self.c.move_to(MARGIN, y);
        self.c.line_to(PAGE_W - MARGIN, y);
        self.c.stroke();
    }

    /// A label and its value on one line, moving down.
    fn field(&mut self, label: &str, value: &str) {
        self.text(REGULAR, 9.0, MARGIN, self.y, label);
        self.text(BOLD, 10.0, MARGIN + 90.0, self.y, value);
        self.y -= 15.0;
    }
}

/// Splits text into lines of at most `max` characters at spaces.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.len() + 1 + word.len() > max {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// The receipt `receipt_no` as PDF bytes; `duplicate` marks a copy printed before.
pub fn receipt_pdf(store: &Store, receipt_no: &str, duplicate: bool) -> Result<Vec<u8>> {
    store.require(Permission::TakePayments)?;
    let (r, order) = store.read(|c| {
        let order = crate::school::require(c)?.date_order;
        Ok((view(c, receipt_no)?, order))
    })?;
    render(&r, duplicate, order)
}

fn render(r: &Receipt, duplicate: bool, order: crate::school::DateOrder) -> Result<Vec<u8>> {
    let money = |minor: i64| {
        format!(
            "{} {}",
            r.currency_symbol,
            grouped(&format_amount(minor, r.minor_units))
        )
    };
    let mut pdf = Pdf::new();
    let (catalog, tree, page_id, content_id) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let (regular_id, bold_id, logo_id, mask_id) =
        (Ref::new(5), Ref::new(6), Ref::new(7), Ref::new(8));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let logo = match &r.logo_png {
        Some(b64) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| Error::internal(format!("stored logo: {e}")))?;
            Some(
                image::load_from_memory(&bytes)
                    .map_err(|e| Error::internal(format!("stored logo: {e}")))?,
            )
        }
        None => None,
    };
    {
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(REGULAR, regular_id)
            .pair(BOLD, bold_id);
        if logo.is_some() {
            resources.x_objects().pair(LOGO, logo_id);
        }
        resources.finish();
        page.finish();
    }
    for (id, name) in [
        (regular_id, &b"Helvetica"[..]),
        (bold_id, &b"Helvetica-Bold"[..]),
    ] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let mut p = Page {
        c: Content::new(),
        y: PAGE_H - MARGIN - 14.0,
    };
    let mut text_x = MARGIN;
    if let Some(img) = &logo {
        let (w, h) = img.dimensions();
        let rgb = compress_to_vec_zlib(img.to_rgb8().as_raw(), 6);
        let alpha: Vec<u8> = img.to_rgba8().pixels().map(|px| px.0[3]).collect();
        let mask = compress_to_vec_zlib(&alpha, 6);
        let mut x = pdf.image_xobject(logo_id, &rgb);
        x.filter(Filter::FlateDecode);
        x.width(w as i32).height(h as i32).bits_per_component(8);
        x.color_space().device_rgb();
        x.s_mask(mask_id);
        x.finish();
        let mut m = pdf.image_xobject(mask_id, &mask);
        m.filter(Filter::FlateDecode);
        m.width(w as i32).height(h as i32).bits_per_component(8);
        m.color_space().device_gray();
        m.finish();
        let box_h = 44.0_f32;
        let scale = (box_h / h as f32).min(60.0 / w as f32);
        let (dw, dh) = (w as f32 * scale, h as f32 * scale);
        p.c.save_state();
        p.c.transform([dw, 0.0, 0.0, dh, MARGIN, PAGE_H - MARGIN - dh]);
        p.c.x_object(LOGO);
        p.c.restore_state();
        text_x = MARGIN + dw + 10.0;
    }
    p.text(BOLD, 16.0, text_x, p.y, &r.school_name);
    p.y -= 13.0;
    for line in r
        .school_address
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
    {
        p.text(REGULAR, 9.0, text_x, p.y, line.trim());
        p.y -= 11.0;
    }
    p.y = p.y.min(PAGE_H - MARGIN - 50.0);
    p.rule(p.y, 1.2);
    p.y -= 22.0;
    p.text(BOLD, 14.0, MARGIN, p.y, "RECEIPT");
    if duplicate || r.void {
        let stamp = if r.void { "VOID" } else { "DUPLICATE" };
        p.text(BOLD, 12.0, MARGIN + 80.0, p.y, stamp);
    }
    p.right(
        REGULAR,
        9.0,
        PAGE_W - MARGIN,
        p.y + 4.0,
        &format!("No. {}", r.receipt_no),
    );
    p.right(
        REGULAR,
        9.0,
        PAGE_W - MARGIN,
        p.y - 8.0,
        &format!("Date {}", crate::export::date_text(order, r.date)),
    );
    p.y -= 26.0;
    p.field("Received from", &r.student_name);
    p.field("Adm. no.", &r.admission_no);
    if !r.class_name.is_empty() {
        p.field("Class", &r.class_name);
    }
    p.y -= 4.0;
    p.text(BOLD, 8.0, MARGIN, p.y, "FOR");
    p.right(BOLD, 8.0, PAGE_W - MARGIN, p.y, "AMOUNT");
    p.y -= 5.0;
    p.rule(p.y, 0.6);
    p.y -= 13.0;
    for l in &r.lines {
        p.text(
            REGULAR,
            9.5,
            MARGIN,
            p.y,
            &format!("{} - {}", l.term_name, l.head_name),
        );
        p.right(REGULAR, 9.5, PAGE_W - MARGIN, p.y, &money(l.amount));
        p.y -= 13.0;
    }
    p.rule(p.y + 4.0, 1.0);
    p.y -= 12.0;
    p.text(BOLD, 11.0, MARGIN, p.y, "Total");
    p.right(BOLD, 11.0, PAGE_W - MARGIN, p.y, &money(r.amount));
    p.y -= 8.0;
    p.rule(p.y, 1.0);
    p.y -= 16.0;
    for line in wrap(&format!("In words: {}", r.amount_words), 70).iter() {
        p.text(REGULAR, 9.0, MARGIN, p.y, line);
        p.y -= 12.0;
    }
    let mut paid_by = r.method.clone();
    if !r.reference.is_empty() {
        paid_by.push_str(&format!(" ({})", r.reference));
    }
    if !r.bank.is_empty() {
        paid_by.push_str(&format!(", {}", r.bank));
    }
    p.y -= 4.0;
    p.field("Paid by", &paid_by);
    if !r.cashier.is_empty() {
        p.field("Received by", &r.cashier);
    }
    p.text(BOLD, 10.0, MARGIN, p.y, "Balance after this payment");
    p.right(BOLD, 10.0, PAGE_W - MARGIN, p.y, &money(r.balance_after));
    p.y -= 24.0;

    // The QR code, as squares, and the verification code beside it.
    let qr = qrcode::QrCode::with_error_correction_level(r.qr_text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::internal(format!("QR code: {e}")))?;
    let n = qr.width();
    let side = 96.0_f32;
    let module = side / n as f32;
    // Below what is written, or at the foot of the page when a long receipt reaches it.
    let top = if p.y - side < MARGIN {
        MARGIN + side
    } else {
        p.y
    };
    p.c.set_fill_gray(0.0);
    for (i, color) in qr.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = ((i % n) as f32, (i / n) as f32);
            p.c.rect(
                MARGIN + x * module,
                top - (y + 1.0) * module,
                module,
                module,
            );
        }
    }
    p.c.fill_nonzero();
    let tx = MARGIN + side + 14.0;
    p.text(BOLD, 9.0, tx, top - 14.0, "Verification code");
    p.text(BOLD, 14.0, tx, top - 32.0, &r.verification_code);
    p.text(
        REGULAR,
        7.5,
        tx,
        top - 46.0,
        "Scan the code or quote it to the school office",
    );
    p.text(
        REGULAR,
        7.5,
        tx,
        top - 56.0,
        "to check this receipt against the school's ledger.",
    );
    let content = p.c.finish();
    pdf.stream(content_id, &content);
    Ok(pdf.finish())
}

/// "1500.00" as "1,500.00".
fn grouped(amount: &str) -> String {
    let (sign, rest) = amount.strip_prefix('-').map_or(("", amount), |r| ("-", r));
    let (whole, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_written_in_the_fonts_encoding() {
        assert_eq!(win_ansi("José Müller"), b"Jos\xe9 M\xfcller");
        assert_eq!(win_ansi("Nguyễn"), b"Nguyen");
        assert_eq!(win_ansi("Grade 5 – B"), b"Grade 5 - B");
    }

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(grouped("1500.00"), "1,500.00");
        assert_eq!(grouped("1234567"), "1,234,567");
        assert_eq!(grouped("-999.50"), "-999.50");
    }

    #[test]
    fn long_words_wrap_at_spaces() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    }
}
