//! Sandbox faces (沙箱人像): the ID photo the sandbox authority keeps for a resident, and "live"
//! photos of the same face for tests and the demo.
//!
//! A real 人证比对 compares a face; the sandbox cannot, so its convention (documented in
//! `docs/IDENTITY-PROTOCOL.md`) is that a face is a PNG carrying a `tEXt` chunk
//! `bdc-sandbox-face` whose value is the face's tag, derived from the resident's ID number. Two
//! photos of one face share the tag and differ in their pixels; a photo without a tag (any real
//! camera picture) is a face the sandbox does not know.

use bdc_crypto::sm3_hex;

/// The keyword of the PNG text chunk that names the face.
pub const FACE_KEYWORD: &str = "bdc-sandbox-face";

/// The face tag of a resident: 16 hex digits of SM3 over the ID number.
pub fn face_of(id_number: &str) -> String {
    sm3_hex(format!("face:{id_number}").as_bytes())[..16].to_owned()
}

/// A photo of the resident's face: `shot` 0 is the ID photo on file, any other number a live
/// photo taken at another moment (other pixels, the same face).
pub fn portrait(id_number: &str, shot: u32) -> Vec<u8> {
    photo_with_face(&face_of(id_number), &format!("{id_number}:{shot}"))
}

/// A PNG of 96 × 128 grey pixels seeded by `seed`, tagged with `face`.
pub fn photo_with_face(face: &str, seed: &str) -> Vec<u8> {
    const W: u32 = 96;
    const H: u32 = 128;
    let mut pixels = Vec::with_capacity((W * H) as usize);
    let mut block = sm3_hex(seed.as_bytes()).into_bytes();
    while pixels.len() < (W * H) as usize {
        block = sm3_hex(&block).into_bytes();
        pixels.extend(block.chunks(2).map(|c| c[0].wrapping_mul(31).wrapping_add(c[1])));
    }
    pixels.truncate((W * H) as usize);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, W, H);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_text_chunk(FACE_KEYWORD.to_owned(), face.to_owned()).expect("a latin-1 keyword");
        let mut w = enc.write_header().expect("an in-memory PNG");
        w.write_image_data(&pixels).expect("an in-memory PNG");
    }
    out
}

/// The face tag a photo carries, if it is a PNG with one.
pub fn face_in(photo: &[u8]) -> Option<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(photo));
    let reader = decoder.read_info().ok()?;
    reader.info().uncompressed_latin1_text.iter().find(|t| t.keyword == FACE_KEYWORD).map(|t| t.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_shots_of_one_face_differ_in_pixels_and_share_the_tag() {
        let a = portrait("320402198801011234", 0);
        let b = portrait("320402198801011234", 1);
        assert_ne!(a, b);
        assert!(bdc_adapters::identity::photo_kind(&a).is_some(), "a photo the authority accepts: {} bytes", a.len());
        assert_eq!(face_in(&a), face_in(&b));
        assert_eq!(face_in(&a).unwrap(), face_of("320402198801011234"));
        assert_ne!(face_in(&portrait("320402198801012345", 0)), face_in(&a));
        assert_eq!(face_in(b"\xFF\xD8\xFFnot a png"), None);
    }
}
