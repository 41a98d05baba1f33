//! drydock's vulnerability database: OSV advisories in, findings out.
//!
//! - [`import`] reads OSV records (files, directories, `all.zip` archives) into a local
//!   SQLite database; [`update`] fetches archives from a mirror with conditional requests and
//!   swaps a new database in atomically; [`status`] describes one.
//! - [`Db::open`] opens a database read-only; [`open_default`] picks the user's database or
//!   installs the shipped baseline ([`open_or_install_baseline`]) so scans work offline.
//! - [`match_inventory`] turns an [`Inventory`](drydock_core::Inventory) into
//!   [`Finding`](drydock_core::Finding)s, one per package and vulnerability.
//!
//! See `docs/vulndb.md` for the design (why SQLite, the layout, severity precedence, how OS
//! packages map to OSV ecosystems) and measured performance.

mod atomic;
pub mod baseline;
mod error;
pub mod import;
mod matcher;
pub mod names;
pub mod osv;
pub mod ranges;
pub mod severity;
mod store;
pub mod update;

pub use atomic::Seed;
pub use baseline::{
    BaselineManifest, baseline_manifest, baseline_path, default_db_path, open_default,
    open_or_install_baseline,
};
pub use error::{Error, Result};
pub use import::{ImportOptions, ImportStats, ImportWarning, ZipLimits, import, import_with};
pub use matcher::match_inventory;
pub use store::{
    BuildOptions, Db, DbStatus, EcosystemCount, SCHEMA_VERSION, SourceFetch, SourceStatus, status,
};
pub use update::{
    DEFAULT_ECOSYSTEMS, DEFAULT_MIRROR, SourceOutcome, SourceUpdate, UpdateOptions, UpdateReport,
    archive_url, update,
};
