//! `--format` / `--output`: which writers run and where each one writes.

use anyhow::{Context, Result};
use drydock_core::Report;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
    SpdxJson,
    Sarif,
    Junit,
    Html,
}

impl Format {
    fn parse(s: &str) -> Result<Format> {
        Ok(match s {
            "table" => Format::Table,
            "json" => Format::Json,
            "cyclonedx" => Format::CycloneDx,
            "spdx-json" | "spdx" => Format::SpdxJson,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "html" => Format::Html,
            other => {
                return Err(crate::usage(format!(
                    "unknown format {other:?} (expected table, json, cyclonedx, spdx-json, sarif, junit, html)"
                )));
            }
        })
    }
}

/// One report to write: a format and a file (None = stdout).
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// `-f table -f sarif=out.sarif -o x`: each `FORMAT=PATH` goes to its path; the
/// format without a path goes to `--output` or stdout. At most one to stdout.
pub fn parse_formats(
    formats: &[String],
    output: Option<&Path>,
    default: &str,
) -> Result<Vec<Output>> {
    let list: Vec<String> = if formats.is_empty() {
        vec![default.to_string()]
    } else {
        formats
            .iter()
            .flat_map(|f| f.split(',').map(str::to_string))
            .collect()
    };
    let mut outs = Vec::new();
    let mut bare = 0;
    for f in list {
        match f.split_once('=') {
            Some((fmt, path)) => outs.push(Output {
                format: Format::parse(fmt)?,
                path: Some(PathBuf::from(path)),
            }),
            None => {
                bare += 1;
                outs.push(Output {
                    format: Format::parse(&f)?,
                    path: output.map(Path::to_path_buf),
                });
            }
        }
    }
    if bare > 1 {
        return Err(crate::usage(
            "several formats without =PATH would all go to the same place; give FORMAT=PATH",
        ));
    }
    Ok(outs)
}

pub fn write_all(report: &Report, outputs: &[Output]) -> Result<()> {
    for o in outputs {
        match &o.path {
            Some(p) => {
                // Written beside the target and renamed, so a failed run never
                // leaves a truncated report where CI expects a whole one.
                let dir = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let mut tmp = tempfile::NamedTempFile::new_in(dir)
                    .with_context(|| format!("creating a file in {}", dir.display()))?;
                {
                    let mut w = BufWriter::new(tmp.as_file_mut());
                    write_one(report, o.format, &mut w, false)
                        .with_context(|| format!("writing {}", p.display()))?;
                    w.flush()?;
                }
                tmp.persist(p)
                    .with_context(|| format!("writing {}", p.display()))?;
            }
            None => {
                let stdout = io::stdout();
                let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let mut w = BufWriter::new(stdout.lock());
                write_one(report, o.format, &mut w, color)?;
                w.flush()?;
            }
        }
    }
    Ok(())
}

fn write_one(report: &Report, format: Format, w: &mut dyn Write, color: bool) -> Result<()> {
    match format {
        Format::Table => drydock_report::table::write(report, &mut *w, color)?,
        Format::Json => drydock_report::json::write(report, &mut *w)?,
        Format::CycloneDx => drydock_sbom::cyclonedx::write(report, &mut *w)?,
        Format::SpdxJson => drydock_sbom::spdx::write(report, &mut *w)?,
        Format::Sarif => drydock_report::sarif::write(report, &mut *w)?,
        Format::Junit => drydock_report::junit::write(report, &mut *w)?,
        Format::Html => drydock_report::html::write(report, &mut *w)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let o = parse_formats(&["table".into(), "cyclonedx=x.json".into()], None, "table").unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o[1].path.as_deref(), Some(Path::new("x.json")));
        assert!(parse_formats(&["table".into(), "json".into()], None, "table").is_err());
        assert!(parse_formats(&["bogus".into()], None, "table").is_err());
        let d = parse_formats(&[], Some(Path::new("o.json")), "cyclonedx").unwrap();
        assert_eq!(d[0].format, Format::CycloneDx);
    }
}
