//! Reads the values of a Berkeley DB hash database: rpm's `Packages` before
//! rpm 4.16 (RHEL/CentOS 7 and 8, Amazon Linux 2).
//!
//! Follows the on-disk layout of libdb's `dbinc/db_page.h` as knqyf263/go-rpmdb
//! (`pkg/bdb`) reads it: a hash metadata page, then hash pages whose index holds
//! (key, value) item offsets; rpm's headers are usually "off-page" items whose
//! bytes are in a chain of overflow pages. Unlike go-rpmdb this also reads
//! values stored inline on the hash page (small headers, large page sizes), uses
//! each overflow page's own length, and bounds every offset and chain.
//! No maintained Rust crate reads Berkeley DB files, and libdb is not something
//! to link for one read-only scan.

use super::RpmDbError;

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

/// Byte order of the database (the machine that wrote it).
#[derive(Clone, Copy)]
struct Order {
    le: bool,
}

impl Order {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at + 2)?;
        let a = [s[0], s[1]];
        Some(if self.le {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }

    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
}

/// True if `content` starts with a Berkeley DB hash metadata page.
pub fn is_bdb_hash(content: &[u8]) -> bool {
    [true, false]
        .into_iter()
        .any(|le| Order { le }.u32(content, 12) == Some(HASH_MAGIC))
}

/// Every value of the hash database, in page order, with a warning for each
/// value that could not be read.
pub fn read_values(content: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), RpmDbError> {
    let bad = |m: &str| RpmDbError::Bdb(m.to_string());
    let order = [true, false]
        .into_iter()
        .map(|le| Order { le })
        .find(|o| o.u32(content, 12) == Some(HASH_MAGIC))
        .ok_or_else(|| bad("no hash database magic"))?;
    let page_size = order
        .u32(content, 20)
        .ok_or_else(|| bad("truncated metadata page"))? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(RpmDbError::Bdb(format!("invalid page size {page_size}")));
    }
    if content.get(24) != Some(&0) {
        return Err(bad("encrypted databases are not supported"));
    }
    if content.get(25) != Some(&P_HASHMETA) {
        return Err(bad("first page is not a hash metadata page"));
    }
    let last_page = order
        .u32(content, 32)
        .ok_or_else(|| bad("truncated metadata page"))? as usize;
    let page_count = content.len() / page_size;
    let page = |n: usize| content.get(n * page_size..(n + 1) * page_size);

    let mut values = Vec::new();
    let mut warnings = Vec::new();
    if last_page >= page_count {
        warnings.push(format!(
            "the database says it has {} pages but the file holds {page_count}; reading those",
            last_page + 1
        ));
    }
    for n in 1..page_count.min(last_page.saturating_add(1)) {
        let Some(p) = page(n) else { break };
        if !matches!(p[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = order.u16(p, 20).unwrap_or(0) as usize;
        let offset_of = |i: usize| order.u16(p, PAGE_HEADER + 2 * i).map(usize::from);
        // Items are (key, value) pairs; a value's inline bytes run up to the previous item.
        for i in (1..entries).step_by(2) {
            let (Some(key_at), Some(at)) = (offset_of(i - 1), offset_of(i)) else {
                warnings.push(format!("page {n}: item index runs off the page"));
                break;
            };
            let key_end = if i == 1 {
                page_size
            } else {
                offset_of(i - 2).unwrap_or(0)
            };
            // rpm keeps its instance counter under key 0; it is not a package.
            if p.get(key_at) == Some(&H_KEYDATA)
                && p.get(key_at + 1..key_end)
                    .is_some_and(|k| k.iter().all(|&b| b == 0))
            {
                continue;
            }
            match p.get(at) {
                Some(&H_KEYDATA) => match p.get(at + 1..key_at) {
                    Some(v) => values.push(v.to_vec()),
                    None => warnings.push(format!("page {n}: item {i} has a bad offset")),
                },
                Some(&H_OFFPAGE) => {
                    match read_overflow(content, page_size, last_page, order, p, at) {
                        Ok(v) => values.push(v),
                        Err(e) => warnings.push(format!("page {n}: item {i}: {e}")),
                    }
                }
                Some(t) => warnings.push(format!("page {n}: item {i} has unsupported type {t}")),
                None => warnings.push(format!("page {n}: item {i} has a bad offset")),
            }
        }
    }
    Ok((values, warnings))
}

/// Follows the overflow-page chain of the off-page item at `at` of `page`.
fn read_overflow(
    content: &[u8],
    page_size: usize,
    last_page: usize,
    order: Order,
    page: &[u8],
    at: usize,
) -> Result<Vec<u8>, String> {
    let mut next = order.u32(page, at + 4).ok_or("truncated off-page item")? as usize;
    let total = order.u32(page, at + 8).ok_or("truncated off-page item")? as usize;
    let mut out = Vec::with_capacity(total.min(content.len()));
    let mut hops = 0usize;
    while next != 0 && out.len() < total {
        hops += 1;
        if hops > last_page.saturating_add(1) {
            return Err("overflow chain loops".into());
        }
        let p = next
            .checked_mul(page_size)
            .and_then(|start| content.get(start..start.checked_add(page_size)?))
            .ok_or_else(|| format!("overflow page {next} is past the end of the file"))?;
        if p[25] != P_OVERFLOW {
            return Err(format!("page {next} is not an overflow page"));
        }
        let len = order.u16(p, 22).unwrap_or(0) as usize;
        let bytes = p
            .get(PAGE_HEADER..PAGE_HEADER + len)
            .ok_or_else(|| format!("overflow page {next} claims {len} bytes"))?;
        out.extend_from_slice(bytes);
        next = order.u32(p, 16).unwrap_or(0) as usize;
    }
    if out.len() < total {
        return Err(format!(
            "overflow chain ended after {} of {total} bytes",
            out.len()
        ));
    }
    out.truncate(total);
    Ok(out)
}
