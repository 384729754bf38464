//! Benchmarks of `rfc6455` against published WebSocket crates, on the
//! workloads of `shared/bench/WORKLOADS.md` (see `README.md` here).
//!
//! Run with `cargo bench -p rfc6455-benches` from the repository root;
//! `-- D1 E2 --reps 7` picks workloads and the number of timed runs.

pub mod deflate;
pub mod limits;
pub mod peers;
pub mod record;
pub mod spec;
pub mod transport;

mod runner;

pub use runner::main;
