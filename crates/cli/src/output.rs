//! How results and errors are printed.

use rollbook_core::Error;
use serde::Serialize;

pub fn json(value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(Error::from)?;
    println!("{text}");
    Ok(())
}

pub fn error(e: &Error, as_json: bool) {
    if as_json {
        match serde_json::to_string(e) {
            Ok(text) => eprintln!("{text}"),
            Err(_) => eprintln!("error: {}", e.message),
        }
        return;
    }
    eprintln!("error: {}", e.message);
    for d in e.details.iter().skip(1) {
        eprintln!("  {}: {}", d.field, d.message);
    }
}

/// A fixed-width table for people.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(headers.iter().map(|h| (*h).to_owned()).collect());
    for row in rows {
        line(row.clone());
    }
}
