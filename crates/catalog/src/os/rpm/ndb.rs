//! Reads rpm's own "ndb" package store, `Packages.db` (SUSE since SLE 15 SP3).
//!
//! Layout from rpm's `lib/backend/ndb/rpmpkg.c` (as knqyf263/go-rpmdb `pkg/ndb`
//! reads it), all little-endian: a 32-byte header (`RpmP`, version 0,
//! generation, slot page count), then slot pages of 4096 bytes holding 16-byte
//! slots (`Slot`, package index, block offset, block count; the header takes
//! the first two), and blobs at `block offset * 16`: a 16-byte blob header
//! (`BlbS`, package index, checksum, length) and the rpm header itself.

use super::RpmDbError;

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const SLOT_PAGE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK: usize = 16;
/// go-rpmdb's bound; 2048 slot pages are half a million packages.
const MAX_SLOT_PAGES: usize = 2048;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// True if `content` starts with an ndb header.
pub fn is_ndb(content: &[u8]) -> bool {
    le32(content, 0) == Some(HEADER_MAGIC)
}

/// Every package blob of the store, in slot order, with a warning for each
/// blob that could not be read.
pub fn read_blobs(content: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), RpmDbError> {
    let bad = |m: String| RpmDbError::Ndb(m);
    if !is_ndb(content) {
        return Err(bad("no ndb header magic".into()));
    }
    let version = le32(content, 4).unwrap_or(u32::MAX);
    if version != 0 {
        return Err(bad(format!("unsupported ndb version {version}")));
    }
    let slot_pages = le32(content, 12).unwrap_or(0) as usize;
    if slot_pages == 0 || slot_pages > MAX_SLOT_PAGES {
        return Err(bad(format!("implausible slot page count {slot_pages}")));
    }
    let slots_end = slot_pages * SLOT_PAGE;
    if content.len() < slots_end {
        return Err(bad(format!(
            "{slot_pages} slot pages need {slots_end} bytes but the file has {}",
            content.len()
        )));
    }
    let mut blobs = Vec::new();
    let mut warnings = Vec::new();
    for at in (2 * SLOT_SIZE..slots_end).step_by(SLOT_SIZE) {
        let (Some(magic), Some(pkg), Some(blk)) = (
            le32(content, at),
            le32(content, at + 4),
            le32(content, at + 8),
        ) else {
            break;
        };
        if magic != SLOT_MAGIC {
            warnings.push(format!(
                "slot at byte {at} has a bad magic; stopped reading slots"
            ));
            break;
        }
        if pkg == 0 {
            continue; // free slot
        }
        let Some(start) = (blk as usize).checked_mul(BLOCK) else {
            warnings.push(format!("package {pkg}: block offset {blk} is out of range"));
            continue;
        };
        let (Some(bmagic), Some(bpkg), Some(len)) = (
            le32(content, start),
            le32(content, start.saturating_add(4)),
            le32(content, start.saturating_add(12)),
        ) else {
            warnings.push(format!(
                "package {pkg}: blob at byte {start} is past the end of the file"
            ));
            continue;
        };
        if bmagic != BLOB_MAGIC || bpkg != pkg {
            warnings.push(format!("package {pkg}: no blob header at byte {start}"));
            continue;
        }
        match content
            .get(start.saturating_add(16)..)
            .and_then(|b| b.get(..len as usize))
        {
            Some(b) => blobs.push(b.to_vec()),
            None => warnings.push(format!(
                "package {pkg}: blob of {len} bytes runs past the end of the file"
            )),
        }
    }
    Ok((blobs, warnings))
}

/// Writes an ndb store holding `blobs`, for tests (checksums left zero: rpm
/// verifies them, drydock and go-rpmdb do not).
#[cfg(test)]
pub(crate) fn build_ndb(blobs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0u8; SLOT_PAGE];
    out[0..4].copy_from_slice(&HEADER_MAGIC.to_le_bytes());
    out[12..16].copy_from_slice(&1u32.to_le_bytes());
    for at in (2 * SLOT_SIZE..SLOT_PAGE).step_by(SLOT_SIZE) {
        out[at..at + 4].copy_from_slice(&SLOT_MAGIC.to_le_bytes());
    }
    for (i, blob) in blobs.iter().enumerate() {
        let pkg = i as u32 + 1;
        let start = out.len();
        let slot = 2 * SLOT_SIZE + i * SLOT_SIZE;
        out[slot + 4..slot + 8].copy_from_slice(&pkg.to_le_bytes());
        out[slot + 8..slot + 12].copy_from_slice(&((start / BLOCK) as u32).to_le_bytes());
        out.extend_from_slice(&BLOB_MAGIC.to_le_bytes());
        out.extend_from_slice(&pkg.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        out.extend_from_slice(blob);
        out.extend_from_slice(&[0u8; 16]); // blob tail
        out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
        let blocks = (out.len() - start) / BLOCK;
        out[slot + 12..slot + 16].copy_from_slice(&(blocks as u32).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let blobs = vec![b"first".to_vec(), b"second blob".to_vec()];
        let db = build_ndb(&blobs);
        let (got, warnings) = read_blobs(&db).unwrap_or_default();
        assert_eq!(got, blobs);
        assert!(warnings.is_empty());

        let mut cut = db.clone();
        cut.truncate(db.len() - 40); // into the second blob, past its 16-byte tail
        let (got, warnings) = read_blobs(&cut).unwrap_or_default();
        assert_eq!(got, vec![b"first".to_vec()]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");

        let err = read_blobs(&db[..100]).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("NDB: 1 slot pages need 4096 bytes but the file has 100")
        );
    }
}
