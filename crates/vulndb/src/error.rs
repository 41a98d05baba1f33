//! Errors of the vulnerability database, each naming the file, URL or archive concerned.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("vulnerability database {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "vulnerability database {}: schema version {found}, this drydock reads version {expected}; \
         run `drydock db update` (or `drydock db import`) to rebuild it",
        path.display()
    )]
    Schema {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    #[error("{}: not a drydock vulnerability database", path.display())]
    NotADatabase { path: PathBuf },
    /// An archive or record that fails verification (corrupt zip, size caps, bad JSON).
    #[error("{input}: {message}")]
    Invalid { input: String, message: String },
    #[error("{url}: {message}")]
    Http { url: String, message: String },
    #[error(
        "{}: another drydock process is changing this database (lock held); try again when it is done",
        path.display()
    )]
    Locked { path: PathBuf },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl AsRef<Path>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.as_ref().to_path_buf();
        move |source| Error::Io { path, source }
    }

    pub(crate) fn sql(path: impl AsRef<Path>) -> impl FnOnce(rusqlite::Error) -> Error {
        let path = path.as_ref().to_path_buf();
        move |source| Error::Sqlite { path, source }
    }

    pub(crate) fn invalid(input: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            input: input.into(),
            message: message.into(),
        }
    }
}
