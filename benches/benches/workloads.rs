//! `cargo bench -p rfc6455-benches [-- WORKLOAD... --reps N]`: see README.md.

fn main() {
    rfc6455_benches::main();
}
