//! Shared types of drydock.
//!
//! Everything the subsystems exchange lives here and nothing else: what is in an
//! artifact ([`Inventory`]: OS, packages, layers), what is wrong with it
//! ([`Finding`]), and the [`Report`] that carries both to the writers. The types
//! are plain data (serde), so an inventory can be cached per layer, written as
//! an SBOM and read back, and detection can run on it unchanged.

pub mod analyze;
pub mod ecosystem;
pub mod package;
pub mod report;
pub mod severity;

pub use analyze::{AnalyzeError, Analyzer, FileOutput};
pub use ecosystem::Ecosystem;
pub use package::{LayerRef, Location, OsInfo, Package, PackageKind};
pub use report::{
    Artifact, ArtifactKind, DbInfo, Finding, FindingKind, FixStatus, Inventory, LayerInfo,
    REPORT_SCHEMA_VERSION, Report, ScanWarning, Suppression,
};
pub use severity::Severity;
