//! Student photos: decoded with limits (a hostile file cannot exhaust memory), resized to
//! fit an ID-card frame, and re-encoded as JPEG, which also drops any metadata (location).

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::id::Id;

/// The largest file accepted (a phone camera's photo is well under this).
pub const MAX_PHOTO_BYTES: usize = 20 * 1024 * 1024;
/// Stored photos fit in a square of this many pixels.
pub const PHOTO_MAX_SIDE: u32 = 480;

pub(super) fn prepare(bytes: &[u8]) -> Result<Vec<u8>> {
    let img = decode_limited(bytes, "photo", "photo")?;
    let img = shrink_to(img, PHOTO_MAX_SIDE);
    let mut out = Cursor::new(Vec::new());
    img.to_rgb8()
        .write_to(&mut out, ImageFormat::Jpeg)
        .map_err(|e| Error::internal(format!("could not encode the photo: {e}")))?;
    Ok(out.into_inner())
}

/// Decodes a JPEG, PNG or WebP image with limits (a hostile file cannot exhaust memory);
/// errors name `field` and call the image `what` ("photo", "logo").
pub(crate) fn decode_limited(bytes: &[u8], field: &str, what: &str) -> Result<image::DynamicImage> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Error::validation(
            field,
            format!(
                "The {what} is larger than {} MB",
                MAX_PHOTO_BYTES / 1024 / 1024
            ),
        ));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::validation(field, format!("The {what} could not be read: {e}")))?;
    if reader.format().is_none() {
        return Err(Error::validation(
            field,
            "The file is not a JPEG, PNG or WebP image",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| Error::validation(field, format!("The {what} could not be read: {e}")))
}

/// The image scaled down (never up) to fit a square of `side` pixels.
pub(crate) fn shrink_to(img: image::DynamicImage, side: u32) -> image::DynamicImage {
    if img.width() > side || img.height() > side {
        img.resize(side, side, image::imageops::FilterType::Lanczos3)
    } else {
        img
    }
}

/// The outbox payload of a photo change.
#[derive(Serialize)]
pub(super) struct Payload {
    student_id: Id,
    jpeg_base64: String,
}

impl Payload {
    pub(super) fn new(student_id: Id, jpeg: &[u8]) -> Self {
        use base64::Engine;
        Payload {
            student_id,
            jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn large_photos_are_shrunk_to_fit_and_stored_as_jpeg() {
        let jpeg = prepare(&png(1600, 1200)).unwrap();
        let back = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (480, 360));
    }

    #[test]
    fn small_photos_keep_their_size() {
        let back = image::load_from_memory(&prepare(&png(200, 300)).unwrap()).unwrap();
        assert_eq!((back.width(), back.height()), (200, 300));
    }

    #[test]
    fn what_is_not_an_image_is_refused_clearly() {
        let err = prepare(b"%PDF-1.4 not a photo").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("photo"));
        let err = prepare(&png(10, 10)[..40]).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("photo"));
    }
}
