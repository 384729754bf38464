//! `cargo bench -p rfc6455-benches [-- WORKLOAD... --reps N --only NAME]`: see README.md.

fn main() {
    rfc6455_benches::main();
}
