//! The rpm header as the package databases store it: no lead, no header magic,
//! just `il` (entry count, big-endian u32), `dl` (data length), `il` index
//! entries of (tag, type, offset, count) and the data store they point into.
//!
//! Hand-written rather than the `rpm` crate's `Header`: that type parses the
//! header structure of a package file (with its 8-byte magic) and brings the
//! crate's signing and compression dependencies; the database blob needs seven
//! string and integer tags, about eighty lines.

/// Tags drydock reads (rpm's `rpmtag.h`).
pub mod tag {
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const LICENSE: u32 = 1014;
    pub const ARCH: u32 = 1022;
    pub const SOURCERPM: u32 = 1044;
}

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits (`hdrblobVerifyInfo`): headers larger than this are corrupt.
const MAX_INDEX_ENTRIES: usize = 0xffff;
const MAX_DATA_LEN: usize = 256 * 1024 * 1024;

/// The fields of one installed package's header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RpmHeader {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: Option<String>,
    pub license: Option<String>,
    pub source_rpm: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("header too short ({0} bytes)")]
    TooShort(usize),
    #[error("header claims {il} entries and {dl} data bytes but is {len} bytes long")]
    BadSize { il: usize, dl: usize, len: usize },
    #[error("tag {tag}: offset {offset} is outside the {dl}-byte data store")]
    BadOffset { tag: u32, offset: usize, dl: usize },
    #[error("tag {0}: string is not NUL-terminated")]
    Unterminated(u32),
    #[error("missing tag {0}")]
    Missing(&'static str),
}

struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: u32,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses a header blob from an rpm database.
pub fn parse_header(blob: &[u8]) -> Result<RpmHeader, HeaderError> {
    let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
        return Err(HeaderError::TooShort(blob.len()));
    };
    let (il, dl) = (il as usize, dl as usize);
    let bad = HeaderError::BadSize {
        il,
        dl,
        len: blob.len(),
    };
    if il > MAX_INDEX_ENTRIES || dl > MAX_DATA_LEN {
        return Err(bad);
    }
    let data_start = 8 + il * 16;
    let data = blob.get(data_start..data_start + dl).ok_or(bad)?;
    let entries: Vec<Entry> = (0..il)
        .filter_map(|i| {
            let at = 8 + i * 16;
            Some(Entry {
                tag: be32(blob, at)?,
                ty: be32(blob, at + 4)?,
                offset: be32(blob, at + 8)? as usize,
                count: be32(blob, at + 12)?,
            })
        })
        .collect();
    let find = |tag: u32| entries.iter().find(|e| e.tag == tag);
    let string = |tag: u32| -> Result<Option<String>, HeaderError> {
        let Some(e) = find(tag) else { return Ok(None) };
        if !matches!(e.ty, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) || e.count == 0 {
            return Ok(None);
        }
        // For arrays (I18N: one string per locale) the first is the default.
        let rest = data.get(e.offset..).ok_or(HeaderError::BadOffset {
            tag,
            offset: e.offset,
            dl,
        })?;
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(HeaderError::Unterminated(tag))?;
        Ok(Some(String::from_utf8_lossy(&rest[..end]).into_owned()))
    };
    let epoch = match find(tag::EPOCH) {
        Some(e) if e.ty == TYPE_INT32 && e.count >= 1 => {
            Some(be32(data, e.offset).ok_or(HeaderError::BadOffset {
                tag: tag::EPOCH,
                offset: e.offset,
                dl,
            })?)
        }
        _ => None,
    };
    Ok(RpmHeader {
        name: string(tag::NAME)?.ok_or(HeaderError::Missing("NAME"))?,
        version: string(tag::VERSION)?.ok_or(HeaderError::Missing("VERSION"))?,
        release: string(tag::RELEASE)?.ok_or(HeaderError::Missing("RELEASE"))?,
        epoch,
        arch: string(tag::ARCH)?,
        license: string(tag::LICENSE)?,
        source_rpm: string(tag::SOURCERPM)?,
    })
}

/// Builds a header blob from (tag, type, data) triples, for tests of the readers.
#[cfg(test)]
pub(crate) fn build_header(fields: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for (tag, ty, bytes) in fields {
        if *ty == TYPE_INT32 {
            data.resize(data.len().div_ceil(4) * 4, 0);
        }
        index.extend_from_slice(&tag.to_be_bytes());
        index.extend_from_slice(&ty.to_be_bytes());
        index.extend_from_slice(&(data.len() as u32).to_be_bytes());
        index.extend_from_slice(&1u32.to_be_bytes());
        data.extend_from_slice(bytes);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&(fields.len() as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
pub(crate) fn s(v: &str) -> Vec<u8> {
    let mut b = v.as_bytes().to_vec();
    b.push(0);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strings_and_epoch() {
        let blob = build_header(&[
            (tag::NAME, TYPE_STRING, s("bash")),
            (tag::VERSION, TYPE_STRING, s("5.1.8")),
            (tag::RELEASE, TYPE_STRING, s("9.el9")),
            (tag::EPOCH, TYPE_INT32, 1u32.to_be_bytes().to_vec()),
            (tag::LICENSE, TYPE_I18NSTRING, s("GPLv3+")),
            (tag::ARCH, TYPE_STRING, s("x86_64")),
            (tag::SOURCERPM, TYPE_STRING, s("bash-5.1.8-9.el9.src.rpm")),
        ]);
        assert_eq!(
            parse_header(&blob),
            Ok(RpmHeader {
                name: "bash".into(),
                version: "5.1.8".into(),
                release: "9.el9".into(),
                epoch: Some(1),
                arch: Some("x86_64".into()),
                license: Some("GPLv3+".into()),
                source_rpm: Some("bash-5.1.8-9.el9.src.rpm".into()),
            })
        );
    }

    #[test]
    fn rejects_corrupt_headers() {
        assert_eq!(parse_header(&[0, 0, 0]), Err(HeaderError::TooShort(3)));
        assert_eq!(
            parse_header(&[0, 0, 0, 1, 0, 0, 0, 9]),
            Err(HeaderError::BadSize {
                il: 1,
                dl: 9,
                len: 8
            })
        );
        let no_name = build_header(&[(tag::VERSION, TYPE_STRING, s("1"))]);
        assert_eq!(parse_header(&no_name), Err(HeaderError::Missing("NAME")));
        let mut cut = build_header(&[(tag::NAME, TYPE_STRING, b"abc".to_vec())]);
        assert_eq!(
            parse_header(&cut),
            Err(HeaderError::Unterminated(tag::NAME))
        );
        // Point NAME past the data store.
        cut[8 + 8..8 + 12].copy_from_slice(&100u32.to_be_bytes());
        assert_eq!(
            parse_header(&cut),
            Err(HeaderError::BadOffset {
                tag: tag::NAME,
                offset: 100,
                dl: 3
            })
        );
    }
}
