//! Go: `go.mod` (require, replace, `// indirect`) and the build information
//! the Go linker embeds in every binary since Go 1.13 (module path, toolchain
//! version, dependencies with their replacements).
//!
//! No Rust crate reads Go build info; the format (Go's `debug/buildinfo`) is a
//! 32-byte header followed by two strings, so it is hand-written here on top of
//! `object`, which finds the section and maps addresses for old binaries.

use super::link::{Facts, GoMod, GoSum};
use super::{Cataloger, file_name, is_object_file, text, wants_binary};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use object::{Object, ObjectSection, ObjectSegment};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new("go-mod", 2, |p| file_name(p) == "go.mod", parse_go_mod),
        Cataloger::new("go-sum", 1, |p| file_name(p) == "go.sum", parse_go_sum),
        Cataloger::new("go-binary", 1, wants_binary, parse_go_binary).executables(parse_go_file),
    ]
}

fn module(kind: PackageKind, name: &str, version: &str, path: &str) -> Package {
    Package::new(Ecosystem::Go, kind, name, version, Location::file(path))
}

// -------------------------------------------------------------------- go.mod

/// One `require` line.
struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

/// go.mod (golang.org/ref/mod#go-mod-file): directives one per line or in
/// `( … )` blocks. The module itself is reported as a local `Application`
/// without a version (as Trivy and Syft list it). A `replace` by another
/// module swaps path and version; a replacement by a local directory means
/// the code is the project's own: the module is reported as `local`, with no
/// version. The `go` directive is a minimum, not the toolchain that built
/// anything, so no `stdlib` is made of it (Trivy does so only with
/// `--detection-priority comprehensive`).
///
/// Before Go 1.17 (or without a `go` line, which Go reads as 1.16) go.mod
/// lists only direct dependencies; the facts say so, for go.sum beside it.
fn parse_go_mod(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let mut main_module: Option<(String, u32)> = None;
    let mut go_version: Option<String> = None;
    let mut requires: Vec<Require> = Vec::new();
    // (old path, old version or "", new path, new version or "" for a directory)
    let mut replaces: Vec<(String, String, String, String)> = Vec::new();
    let mut out = FileOutput::default();
    let mut block: Option<String> = None;
    for (i, raw) in s.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (code, comment) = match raw.find("//") {
            Some(c) => (&raw[..c], raw[c + 2..].trim()),
            None => (raw, ""),
        };
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        let (verb, args) = match &block {
            Some(_) if code == ")" => {
                block = None;
                continue;
            }
            Some(b) => (b.as_str(), code),
            None => {
                let (verb, rest) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(verb.to_string());
                    continue;
                }
                (verb, rest)
            }
        };
        let words: Vec<&str> = args
            .split_whitespace()
            .map(|w| w.trim_matches('"'))
            .collect();
        match verb {
            "module" => {
                if let Some(m) = words.first() {
                    main_module = Some((m.to_string(), lineno));
                }
            }
            "go" => go_version = words.first().map(|v| v.to_string()),
            "require" => match words.as_slice() {
                [p, v] => requires.push(Require {
                    path: p.to_string(),
                    version: v.to_string(),
                    indirect: is_indirect(comment),
                    line: lineno,
                }),
                _ => out
                    .warnings
                    .push(format!("{path}:{lineno}: cannot read require {args:?}")),
            },
            "replace" => {
                let parsed = match words.as_slice() {
                    [o, "=>", n] => Some((o, "", n, "")),
                    [o, "=>", n, nv] => Some((o, "", n, *nv)),
                    [o, ov, "=>", n] => Some((o, *ov, n, "")),
                    [o, ov, "=>", n, nv] => Some((o, *ov, n, *nv)),
                    _ => None,
                };
                match parsed {
                    Some((o, ov, n, nv)) => replaces.push((
                        o.to_string(),
                        ov.to_string(),
                        n.to_string(),
                        nv.to_string(),
                    )),
                    None => out
                        .warnings
                        .push(format!("{path}:{lineno}: cannot read replace {args:?}")),
                }
            }
            _ => {}
        }
    }
    let mut named: Vec<String> = Vec::new();
    if let Some((m, line)) = &main_module {
        let mut pkg = module(PackageKind::Application, m, "", path);
        pkg.local = true;
        pkg.location.line = Some(*line);
        out.packages.push(pkg);
        named.push(m.clone());
    }
    for r in requires {
        // A versioned replacement wins over one for all versions.
        let rep = replaces
            .iter()
            .filter(|(o, ov, _, _)| *o == r.path && (ov.is_empty() || *ov == r.version))
            .max_by_key(|(_, ov, _, _)| !ov.is_empty());
        named.push(r.path.clone());
        let (name, version, local) = match rep {
            Some((_, _, _, nv)) if nv.is_empty() => (r.path, String::new(), true),
            Some((_, _, n, nv)) => {
                named.push(n.clone());
                (n.clone(), nv.clone(), false)
            }
            None => (r.path, r.version, false),
        };
        let mut pkg = module(PackageKind::Library, &name, &version, path);
        pkg.direct = Some(!r.indirect);
        pkg.local = local;
        pkg.location.line = Some(r.line);
        out.packages.push(pkg);
    }
    Facts::GoMod(GoMod {
        before_go_117: go_version.as_deref().is_none_or(before_go_117),
        modules: named,
    })
    .attach(&mut out);
    Ok(out)
}

/// Whether a `go` directive (`1.16`, `1.21.5`, `1.22rc1`) is older than 1.17.
fn before_go_117(v: &str) -> bool {
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor) < (1, 17)
}

/// go.sum (go.dev/ref/mod#go-sum-files): `module version[/go.mod] hash` per
/// line, sorted, so the last line of a module has its highest version (the
/// one the build selected, as Trivy reads it). Read only beside a go.mod
/// older than Go 1.17 (see [`super::link`]); nothing is reported by itself.
fn parse_go_sum(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let mut out = FileOutput::default();
    let mut modules: Vec<(String, String, u32)> = Vec::new();
    for (i, line) in s.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut words = line.split_whitespace();
        let (Some(m), Some(v), Some(_hash)) = (words.next(), words.next(), words.next()) else {
            if !line.trim().is_empty() {
                out.warnings
                    .push(format!("{path}:{lineno}: cannot read {line:?}"));
            }
            continue;
        };
        let v = v.trim_end_matches("/go.mod");
        match modules.last_mut() {
            Some(last) if last.0 == m => *last = (m.to_string(), v.to_string(), lineno),
            _ => modules.push((m.to_string(), v.to_string(), lineno)),
        }
    }
    Facts::GoSum(GoSum { modules }).attach(&mut out);
    Ok(out)
}

/// Go's own rule (modfile.isIndirect): the comment is exactly `indirect`, or
/// starts with the word `indirect;`. `// indirect tagx:ignore` is not indirect.
fn is_indirect(comment: &str) -> bool {
    let mut words = comment.split_whitespace();
    matches!(
        (words.next(), words.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

// ----------------------------------------------------------------- binaries

const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// Header flag: strings follow the header inline (Go 1.18+).
const FLAG_INLINE: u8 = 0x2;
const FLAG_BIG_ENDIAN: u8 = 0x1;

/// What the Go linker recorded: `runtime/debug.BuildInfo` as text.
#[derive(Debug, PartialEq, Eq)]
struct BuildInfo {
    go_version: String,
    modinfo: String,
}

fn parse_go_binary(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let Some(info) = read_buildinfo(content)
        .map_err(|e| AnalyzeError::new(format!("{path}: Go build info: {e}")))?
    else {
        return Ok(FileOutput::default());
    };
    Ok(buildinfo_packages(path, &info))
}

/// [`parse_go_binary`] reading the binary by ranges: the headers, the
/// `.go.buildinfo` section (or, without one, a chunked search for its magic)
/// and, for binaries before Go 1.18, the two strings it points to.
fn parse_go_file(path: &str, file: &std::fs::File) -> Result<FileOutput, AnalyzeError> {
    let Some(info) = read_buildinfo_file(file)
        .map_err(|e| AnalyzeError::new(format!("{path}: Go build info: {e}")))?
    else {
        return Ok(FileOutput::default());
    };
    Ok(buildinfo_packages(path, &info))
}

/// `Ok(None)` for files that are not Go binaries.
fn read_buildinfo(content: &[u8]) -> Result<Option<BuildInfo>, String> {
    if !is_object_file(content) {
        return Ok(None);
    }
    let Ok(file) = object::File::parse(content) else {
        return Ok(None);
    };
    // Without section headers (stripped, or PE), Go itself scans the data
    // for the 16-byte-aligned magic; so do we.
    let data = match buildinfo_section(&file) {
        Some(d) => d,
        None => match (0..content.len().saturating_sub(32))
            .step_by(16)
            .find(|&i| content[i..].starts_with(MAGIC))
        {
            Some(i) => &content[i..],
            None => return Ok(None),
        },
    };
    decode_buildinfo(&file, data).map(Some)
}

/// Bytes of a file searched per read for the build info magic.
const SCAN_CHUNK: usize = 1 << 20;
/// Bytes kept after the magic: the header and the two strings of Go 1.18+.
const MAX_BUILDINFO: u64 = 8 << 20;

/// [`read_buildinfo`] on a file read by ranges.
fn read_buildinfo_file(f: &std::fs::File) -> Result<Option<BuildInfo>, String> {
    use std::os::unix::fs::FileExt;
    let mut head = [0u8; 4];
    if f.read_exact_at(&mut head, 0).is_err() || !is_object_file(&head) {
        return Ok(None);
    }
    let cache = object::ReadCache::new(f);
    let Ok(file) = object::File::parse(&cache) else {
        return Ok(None);
    };
    if let Some(d) = buildinfo_section(&file) {
        return decode_buildinfo(&file, d).map(Some);
    }
    let Some(at) = find_magic(f, SCAN_CHUNK).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let mut data = vec![0u8; MAX_BUILDINFO as usize];
    let n = read_at_most(f, &mut data, at).map_err(|e| e.to_string())?;
    data.truncate(n);
    decode_buildinfo(&file, &data).map(Some)
}

/// The offset of the first 16-byte-aligned build info magic in `f` (the
/// search of [`read_buildinfo`]), read `chunk` bytes at a time (a multiple of
/// 16; each read overlaps the next by a magic's length).
fn find_magic(f: &std::fs::File, chunk: usize) -> std::io::Result<Option<u64>> {
    let mut buf = vec![0u8; chunk + MAGIC.len()];
    let mut at = 0u64;
    loop {
        let n = read_at_most(f, &mut buf, at)?;
        if n < MAGIC.len() {
            return Ok(None);
        }
        if let Some(i) = (0..=n - MAGIC.len())
            .step_by(16)
            .find(|&i| buf[i..n].starts_with(MAGIC))
        {
            return Ok(Some(at + i as u64));
        }
        if n < buf.len() {
            return Ok(None);
        }
        at += chunk as u64;
    }
}

/// Fills as much of `buf` as the file has from `offset` on.
fn read_at_most(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut n = 0;
    while n < buf.len() {
        match f.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The `.go.buildinfo` section (`__go_buildinfo` in Mach-O), if it holds the magic.
fn buildinfo_section<'a, R: object::ReadRef<'a>>(file: &object::File<'a, R>) -> Option<&'a [u8]> {
    // A file read by ranges allocates what the section claims: real ones are
    // a few kilobytes, so a larger claim is not read.
    [".go.buildinfo", "__go_buildinfo"]
        .iter()
        .find_map(|n| file.section_by_name(n))
        .filter(|s| s.size() <= MAX_BUILDINFO)
        .and_then(|s| s.data().ok())
        .filter(|d| d.starts_with(MAGIC))
}

/// The header at the start of `data` and the two strings it holds (Go 1.18+)
/// or points to in `file` (older).
fn decode_buildinfo<'a, R: object::ReadRef<'a>>(
    file: &object::File<'a, R>,
    data: &[u8],
) -> Result<BuildInfo, String> {
    let header = data.get(..32).ok_or("truncated header")?;
    let ptr_size = usize::from(header[14]);
    let flags = header[15];
    let (go_version, modinfo): (&[u8], &[u8]) = if flags & FLAG_INLINE != 0 {
        let (v, rest) = varint_string(&data[32..]).ok_or("truncated version string")?;
        let (m, _) = varint_string(rest).ok_or("truncated module string")?;
        (v, m)
    } else {
        // Before Go 1.18 the header holds pointers to Go string headers.
        if ptr_size != 4 && ptr_size != 8 {
            return Err(format!("pointer size {ptr_size}"));
        }
        let big = flags & FLAG_BIG_ENDIAN != 0;
        let v = read_go_string(file, read_uint(&header[16..], ptr_size, big), ptr_size, big)?;
        let m = read_go_string(
            file,
            read_uint(&header[16 + ptr_size..], ptr_size, big),
            ptr_size,
            big,
        )?;
        (v, m)
    };
    let mut modinfo = modinfo;
    // The module text is framed by 16-byte sentinels (debug/buildinfo does the same).
    if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        modinfo = &modinfo[16..modinfo.len() - 16];
    }
    Ok(BuildInfo {
        go_version: String::from_utf8_lossy(go_version).into_owned(),
        modinfo: String::from_utf8_lossy(modinfo).into_owned(),
    })
}

fn varint_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    for (i, &b) in data.iter().enumerate().take(10) {
        len |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            let start = i + 1;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            return Some((data.get(start..end)?, &data[end..]));
        }
    }
    None
}

fn read_uint(b: &[u8], size: usize, big: bool) -> u64 {
    let Some(b) = b.get(..size) else {
        return 0;
    };
    let mut v = 0u64;
    for i in 0..size {
        let byte = if big { b[i] } else { b[size - 1 - i] };
        v = (v << 8) | u64::from(byte);
    }
    v
}

/// Reads a Go string header (pointer, length) at virtual address `addr`.
fn read_go_string<'a, R: object::ReadRef<'a>>(
    file: &object::File<'a, R>,
    addr: u64,
    ptr: usize,
    big: bool,
) -> Result<&'a [u8], String> {
    let hdr = read_va(file, addr, 2 * ptr as u64)?;
    let data = read_uint(hdr, ptr, big);
    let len = read_uint(&hdr[ptr..], ptr, big);
    if len > 1 << 24 {
        return Err(format!("string of {len} bytes"));
    }
    read_va(file, data, len)
}

/// `len` bytes at virtual address `addr`, read from the segment holding them
/// (only that range: a segment of a large binary can be most of the file).
fn read_va<'a, R: object::ReadRef<'a>>(
    file: &object::File<'a, R>,
    addr: u64,
    len: u64,
) -> Result<&'a [u8], String> {
    for seg in file.segments() {
        let start = seg.address();
        if addr >= start && addr.saturating_add(len) <= start.saturating_add(seg.size()) {
            return seg
                .data_range(addr, len)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("address {addr:#x} is not in the file"));
        }
    }
    Err(format!("address {addr:#x} is in no segment"))
}

/// The main module (`Application`), `stdlib` at the toolchain version, and
/// each `dep`, replaced by its `=>` line when there is one. A dependency
/// replaced by a local directory has no version (`(devel)`) and is left out.
fn buildinfo_packages(path: &str, info: &BuildInfo) -> FileOutput {
    let mut out = FileOutput::default();
    // "go1.22.1" or "go1.22.1 X:boringcrypto"; advisories use "1.22.1".
    match info
        .go_version
        .split_whitespace()
        .next()
        .and_then(|v| v.strip_prefix("go"))
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    {
        Some(v) => out
            .packages
            .push(module(PackageKind::Library, "stdlib", v, path)),
        None => out.warnings.push(format!(
            "{path}: Go toolchain version {:?} is not a release; stdlib not reported",
            info.go_version
        )),
    }
    let mut deps: Vec<(String, String)> = Vec::new();
    for line in info.modinfo.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["mod", p, v, ..] => {
                out.packages
                    .push(module(PackageKind::Application, p, v, path));
            }
            ["dep", p, v, ..] => deps.push((p.to_string(), v.to_string())),
            ["=>", p, v, ..] => {
                if let Some(last) = deps.last_mut() {
                    *last = (p.to_string(), v.to_string());
                }
            }
            _ => {}
        }
    }
    for (p, v) in deps {
        if v.is_empty() || v == "(devel)" {
            continue;
        }
        out.packages
            .push(module(PackageKind::Library, &p, &v, path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_blocks_comments_and_replacements() {
        let m = b"module example.com/app\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/text v0.14.0\n\tgithub.com/a/b v1.2.3 // indirect\n\t\"github.com/c/d\" v0.1.0\n)\n\nrequire github.com/e/f v2.0.0+incompatible\n\nreplace github.com/a/b v1.2.3 => github.com/fork/b v1.2.4\nreplace (\n\tgithub.com/c/d => ../d\n)\n";
        let out = parse_go_mod("go.mod", m).unwrap();
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.direct,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("example.com/app", "", None, Some(1)),
                ("golang.org/x/text", "v0.14.0", Some(true), Some(6)),
                ("github.com/fork/b", "v1.2.4", Some(false), Some(7)),
                ("github.com/c/d", "", Some(true), Some(8)),
                (
                    "github.com/e/f",
                    "v2.0.0+incompatible",
                    Some(true),
                    Some(11)
                ),
            ]
        );
        let local: Vec<bool> = out.packages.iter().map(|p| p.local).collect();
        assert_eq!(local, [true, false, false, true, false]);
        assert_eq!(out.packages[1].purl, "pkg:golang/golang.org/x/text@v0.14.0");
        let facts = out.facts.expect("go.mod facts");
        assert_eq!(facts["before_go_117"], false);
    }

    #[test]
    fn go_directive_versions() {
        assert!(before_go_117("1.16"));
        assert!(before_go_117("1.9"));
        assert!(!before_go_117("1.17"));
        assert!(!before_go_117("1.21.5"));
        assert!(!before_go_117("1.22rc1"));
    }

    #[test]
    fn go_sum_keeps_the_last_version_and_warns_on_bad_lines() {
        let sum = b"a.com/x v1.0.0/go.mod h1:x=\na.com/x v1.1.0 h1:y=\na.com/x v1.1.0/go.mod h1:z=\nbroken\n";
        let out = parse_go_sum("app/go.sum", sum).unwrap();
        assert_eq!(out.warnings, ["app/go.sum:4: cannot read \"broken\""]);
        let facts = out.facts.expect("go.sum facts");
        assert_eq!(
            facts["modules"],
            serde_json::json!([["a.com/x", "v1.1.0", 3]])
        );
    }

    #[test]
    fn modinfo_lines() {
        let info = BuildInfo {
            go_version: "go1.19.8".into(),
            modinfo: "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.8\th1:abc=\ndep\tgithub.com/a/b\tv1.0.0\th1:x=\n=>\tgithub.com/fork/b\tv1.0.1\th1:y=\ndep\texample.com/local\tv0.0.0\n=>\t../local\t(devel)\t\nbuild\t-compiler=gc\n".into(),
        };
        let out = buildinfo_packages("app", &info);
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("stdlib", "1.19.8", PackageKind::Library),
                ("example.com/app", "(devel)", PackageKind::Application),
                ("golang.org/x/text", "v0.3.8", PackageKind::Library),
                ("github.com/fork/b", "v1.0.1", PackageKind::Library),
            ]
        );
    }

    fn elf_with_rodata(blob: &[u8]) -> Vec<u8> {
        use object::write::Object as Writer;
        use object::{Architecture, BinaryFormat, Endianness, SectionKind};
        let mut obj = Writer::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
        let id = obj.add_section(Vec::new(), b".rodata".to_vec(), SectionKind::ReadOnlyData);
        obj.append_section_data(id, blob, 16);
        obj.write().unwrap()
    }

    fn inline_header() -> Vec<u8> {
        let mut blob = Vec::from(&MAGIC[..]);
        blob.extend([8, FLAG_INLINE]);
        blob.resize(32, 0);
        blob
    }

    /// A binary whose section headers do not name the build info (stripped,
    /// or another format's name) is found by scanning for the aligned magic.
    #[test]
    fn buildinfo_found_without_its_section() {
        let mut blob = inline_header();
        for s in [
            "go1.22.1",
            "path\tx\nmod\tx\t(devel)\t\ndep\tgithub.com/a/b\tv1.0.0\th1:x=\n",
        ] {
            blob.push(u8::try_from(s.len()).unwrap());
            blob.extend(s.as_bytes());
        }
        let out = parse_go_binary("bin/x", &elf_with_rodata(&blob)).unwrap();
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        assert_eq!(
            got,
            vec!["stdlib 1.22.1", "x (devel)", "github.com/a/b v1.0.0"]
        );
    }

    #[test]
    fn truncated_buildinfo_is_an_error_naming_the_file() {
        let mut blob = inline_header();
        blob.extend([0xff, 0xff, 0x3f, b'g', b'o']); // claims 1 MiB
        let e = parse_go_binary("bin/x", &elf_with_rodata(&blob)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "bin/x: Go build info: truncated version string"
        );
    }

    /// The file search finds what the in-memory search finds, whatever the chunk.
    #[test]
    fn magic_is_found_by_chunks_of_a_file() {
        use std::io::Write;
        let mut bytes = vec![0u8; 4096 + 48];
        bytes.extend(inline_header());
        bytes.extend(vec![0u8; 100]);
        // A misaligned copy before it must not count.
        bytes[1000..1014].copy_from_slice(MAGIC);
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&bytes).unwrap();
        for chunk in [16, 32, 48, 4096, 1 << 20] {
            assert_eq!(
                find_magic(&f, chunk).unwrap(),
                Some(4096 + 48),
                "chunk {chunk}"
            );
        }
        let mut g = tempfile::tempfile().unwrap();
        g.write_all(&bytes[..4096]).unwrap();
        assert_eq!(find_magic(&g, 32).unwrap(), None);
    }

    #[test]
    fn varints() {
        assert_eq!(
            varint_string(b"\x03abcrest"),
            Some((&b"abc"[..], &b"rest"[..]))
        );
        assert_eq!(varint_string(b"\x05abc"), None);
        assert_eq!(
            varint_string(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f"),
            None
        );
        assert_eq!(read_uint(&[1, 0, 0, 0], 4, false), 1);
        assert_eq!(read_uint(&[0, 0, 0, 1], 4, true), 1);
        assert_eq!(read_uint(&[1, 2], 8, false), 0);
    }
}
