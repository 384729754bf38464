//! The measurement loop of WORKLOADS.md §2 and the report.
//!
//! Every implementation of a workload first runs once untimed with the full
//! correctness check of §4; then the timed repetitions go round-robin over
//! the implementations (rep 1 of each, rep 2 of each, …), so that a slow
//! drift of the shared machine affects them alike. Each timed run is
//! followed by §4's cheap checks. Medians, minima and maxima are reported.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::limits::{self, Op};
use crate::peers::{
    embedded, fastwebsockets as fws, ours, soketto, tokio_websockets as tws, tungstenite as tung,
};
use crate::record::{check_decode, check_encode, Delivery, Responses};
use crate::spec::{self, DecodeWorkload, H1_COUNT, L1_PASSES, L1_SIZE};
use crate::transport::prepared_sink;

/// How a row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Our primary row: the one compared with the peers.
    Ours,
    /// Our other way to do the same, shown for information.
    OursAlt,
    /// A peer crate.
    Peer,
}

type RunFn<'a, S> = Box<dyn FnMut(bool, &mut S) -> Duration + 'a>;

struct Entry<'a, S> {
    name: String,
    kind: Kind,
    run: RunFn<'a, S>,
    times: Vec<f64>,
}

impl<'a, S> Entry<'a, S> {
    fn new(
        name: impl Into<String>,
        kind: Kind,
        run: impl FnMut(bool, &mut S) -> Duration + 'a,
    ) -> Self {
        Self {
            name: name.into(),
            kind,
            run: Box::new(run),
            times: Vec::new(),
        }
    }
}

/// `--only TEXT`: run just the rows whose name contains `TEXT` (for a
/// profiler such as callgrind; the report then has no ratio to trust).
static ONLY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Warm-up with full checks, then `reps` timed runs round-robin.
fn measure<S>(entries: &mut Vec<Entry<'_, S>>, shared: &mut S, reps: usize) {
    if let Some(only) = ONLY.get() {
        entries.retain(|e| e.name.contains(only.as_str()));
    }
    for e in entries.iter_mut() {
        black_box((e.run)(true, shared));
    }
    for _ in 0..reps {
        for e in entries.iter_mut() {
            let t = (e.run)(false, shared);
            e.times.push(t.as_secs_f64());
        }
    }
}

/// Median, minimum and maximum of a throughput over the timed runs.
fn stats(times: &[f64], amount: f64) -> (f64, f64, f64) {
    let mut rates: Vec<f64> = times.iter().map(|t| amount / t).collect();
    rates.sort_by(f64::total_cmp);
    let n = rates.len();
    let median = if n % 2 == 1 {
        rates[n / 2]
    } else {
        (rates[n / 2 - 1] + rates[n / 2]) / 2.0
    };
    (median, rates[0], rates[n - 1])
}

fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn report<S>(
    id: &str,
    title: &str,
    detail: &str,
    payload: u64,
    count: usize,
    entries: &[Entry<'_, S>],
) {
    println!("\n{id}  {title}");
    println!(
        "    {detail}; {} timed runs",
        entries.iter().map(|e| e.times.len()).max().unwrap_or(0)
    );
    println!(
        "  {:<40} {:>9} {:>21}   {:>12} {:>27}",
        "implementation", "MB/s", "(min .. max)", "msgs/s", "(min .. max)"
    );
    let mut ours_rate = None;
    let mut best_peer: Option<(f64, &str)> = None;
    for e in entries {
        let (mb, mb_lo, mb_hi) = stats(&e.times, payload as f64 / 1e6);
        let (ms, ms_lo, ms_hi) = stats(&e.times, count as f64);
        let mark = if e.kind == Kind::OursAlt { " *" } else { "" };
        println!(
            "  {:<40} {:>9.1} {:>21}   {:>12} {:>27}",
            format!("{}{mark}", e.name),
            mb,
            format!("({mb_lo:.1} .. {mb_hi:.1})"),
            thousands(ms),
            format!("({} .. {})", thousands(ms_lo), thousands(ms_hi)),
        );
        match e.kind {
            Kind::Ours => ours_rate = Some((mb, e.name.as_str())),
            Kind::Peer if best_peer.is_none_or(|(b, _)| mb > b) => {
                best_peer = Some((mb, e.name.as_str()))
            }
            _ => {}
        }
    }
    if let (Some((o, name)), Some((p, peer))) = (ours_rate, best_peer) {
        println!("  => {name} / fastest peer ({peer}): {:.2}x", o / p);
    }
    if entries.iter().any(|e| e.kind == Kind::OursAlt) {
        println!("  (* another way to use rfc6455, shown for information; not in the ratio)");
    }
}

type DecodeFn<'a> = Box<dyn FnMut(&DecodeWorkload, &mut Delivery, &mut Vec<u8>) -> Duration + 'a>;

/// A decode row: reset the recorder, run, check §4.
fn decode_entry<'a>(
    w: &'a DecodeWorkload,
    name: &str,
    kind: Kind,
    mut f: DecodeFn<'a>,
) -> Entry<'a, Vec<u8>> {
    let mut d = Delivery::new(w.messages.len());
    let label = name.to_owned();
    Entry::new(name, kind, move |full: bool, sink: &mut Vec<u8>| {
        d.reset(full);
        sink.clear();
        let t = f(w, &mut d, sink);
        if let Err(e) = check_decode(w, &d, sink) {
            panic!("{} {label}: {e}", w.id);
        }
        t
    })
}

fn decode_workload(id: &str, rt: &Runtime, names: &Names, reps: usize) {
    let w = spec::decode_workload(id);
    let w = &w;
    let mut entries: Vec<Entry<'_, Vec<u8>>> = vec![
        decode_entry(w, &names.ours, Kind::Ours, Box::new(ours::decode)),
        decode_entry(
            w,
            &format!("{}, streaming chunks", names.ours),
            Kind::OursAlt,
            Box::new(ours::decode_streaming),
        ),
        decode_entry(w, &names.tungstenite, Kind::Peer, Box::new(tung::decode)),
        decode_entry(
            w,
            &names.fastwebsockets,
            Kind::Peer,
            Box::new(|w, d, s| fws::decode(rt, w, d, s)),
        ),
        decode_entry(
            w,
            &names.tokio_websockets,
            Kind::Peer,
            Box::new(|w, d, s| tws::decode(rt, w, d, s)),
        ),
        decode_entry(
            w,
            &names.soketto,
            Kind::Peer,
            Box::new(|w, d, s| soketto::decode(rt, w, d, s)),
        ),
        decode_entry(w, &names.embedded, Kind::Peer, Box::new(embedded::decode)),
    ];
    let mut sink = prepared_sink(w.output.len() + 4096);
    measure(&mut entries, &mut sink, reps);
    let detail = format!(
        "{} messages, {} payload bytes, {} input bytes{}",
        thousands(w.messages.len() as f64),
        thousands(w.payload_bytes as f64),
        thousands(w.input.len() as f64),
        if w.pings > 0 {
            format!(", {} pings answered", thousands(w.pings as f64))
        } else {
            String::new()
        }
    );
    report(
        w.id,
        w.title,
        &detail,
        w.payload_bytes,
        w.messages.len(),
        &entries,
    );
}

fn encode_workload(id: &str, rt: &Runtime, names: &Names, reps: usize) {
    let w = spec::encode_workload(id);
    let w = &w;
    let check = |name: &str, full: bool, sink: &[u8]| {
        if let Err(e) = check_encode(w, sink, full) {
            panic!("{} {name}: {e}", w.id);
        }
    };
    let fresh_copies = || w.messages().map(<[u8]>::to_vec).collect::<Vec<_>>();
    let refresh = |fresh: &mut Vec<Vec<u8>>| {
        for (f, m) in fresh.iter_mut().zip(w.messages()) {
            f.copy_from_slice(m);
        }
    };
    let mut entries: Vec<Entry<'_, Vec<u8>>> = Vec::new();
    if w.text {
        let texts: Vec<&str> = w
            .messages()
            .map(|m| core::str::from_utf8(m).expect("ASCII"))
            .collect();
        let texts = &*Box::leak(texts.into_boxed_slice());
        entries.push(Entry::new(
            &names.ours,
            Kind::Ours,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = ours::encode_text(texts, sink);
                check("rfc6455", full, sink);
                t
            },
        ));
        let prepared = tung::prepare(w);
        entries.push(Entry::new(
            &names.tungstenite,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let messages = prepared.clone();
                let t = tung::encode(w, messages, sink);
                check("tungstenite", full, sink);
                t
            },
        ));
        entries.push(Entry::new(
            &names.fastwebsockets,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = fws::encode_text(rt, w, sink);
                check("fastwebsockets", full, sink);
                t
            },
        ));
        let prepared = tws::prepare_text(w);
        entries.push(Entry::new(
            &names.tokio_websockets,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let messages = prepared.clone();
                let t = tws::encode(rt, w, messages, sink);
                check("tokio-websockets", full, sink);
                t
            },
        ));
        entries.push(Entry::new(
            &names.soketto,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = soketto::encode_text(rt, texts, sink);
                check("soketto", full, sink);
                t
            },
        ));
        entries.push(Entry::new(
            &names.embedded,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = embedded::encode_text(w, sink);
                check("embedded-websocket", full, sink);
                t
            },
        ));
    } else {
        entries.push(Entry::new(
            format!("{} send_binary", names.ours),
            Kind::Ours,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = ours::encode_binary(w, sink);
                check("rfc6455", full, sink);
                t
            },
        ));
        let mut fresh = fresh_copies();
        entries.push(Entry::new(
            format!("{} start_frame+frame_payload", names.ours),
            Kind::OursAlt,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                refresh(&mut fresh);
                let t = ours::encode_binary_in_place(&mut fresh, sink);
                check("rfc6455 in place", full, sink);
                t
            },
        ));
        let prepared = tung::prepare(w);
        entries.push(Entry::new(
            &names.tungstenite,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let messages = prepared.clone();
                let t = tung::encode(w, messages, sink);
                check("tungstenite", full, sink);
                t
            },
        ));
        let mut fresh = fresh_copies();
        entries.push(Entry::new(
            &names.fastwebsockets,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                refresh(&mut fresh);
                let t = fws::encode_binary(rt, &mut fresh, sink);
                check("fastwebsockets", full, sink);
                t
            },
        ));
        entries.push(Entry::new(
            &names.tokio_websockets,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let messages = tws::fresh_binary(w);
                let t = tws::encode(rt, w, messages, sink);
                check("tokio-websockets", full, sink);
                t
            },
        ));
        let mut fresh = fresh_copies();
        entries.push(Entry::new(
            &names.soketto,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                refresh(&mut fresh);
                let t = soketto::encode_binary(rt, &mut fresh, sink);
                check("soketto", full, sink);
                t
            },
        ));
        entries.push(Entry::new(
            &names.embedded,
            Kind::Peer,
            move |full, sink: &mut Vec<u8>| {
                sink.clear();
                let t = embedded::encode_binary(w, sink);
                check("embedded-websocket", full, sink);
                t
            },
        ));
    }
    let capacity = w.count() * (w.message_len + 14) + 4096;
    let mut sink = prepared_sink(capacity);
    measure(&mut entries, &mut sink, reps);
    let detail = format!(
        "{} messages, {} payload bytes, {} output bytes",
        thousands(w.count() as f64),
        thousands(w.payloads.len() as f64),
        thousands((w.count() * (w.message_len + if w.text { 2 } else { 14 })) as f64),
    );
    report(
        w.id,
        w.title,
        &detail,
        w.payloads.len() as u64,
        w.count(),
        &entries,
    );
}

type HandshakeFn<'a> = Box<dyn FnMut(&mut Responses) -> Duration + 'a>;

/// A handshake row: reset the recorder, run, check §4.
fn handshake_entry<'a>(name: &str, kind: Kind, mut f: HandshakeFn<'a>) -> Entry<'a, Responses> {
    let label = name.to_owned();
    let mut total = 0;
    Entry::new(name, kind, move |full: bool, r: &mut Responses| {
        r.reset();
        let t = f(r);
        if let Err(e) = r.check(H1_COUNT, full, &mut total) {
            panic!("H1 {label}: {e}");
        }
        t
    })
}

fn handshake_workload(rt: &Runtime, names: &Names, reps: usize) {
    let request = spec::h1_request();
    let n = H1_COUNT;
    let mut entries: Vec<Entry<'_, Responses>> = vec![
        handshake_entry(
            &names.ours,
            Kind::Ours,
            Box::new(|r| ours::handshake(request, n, r)),
        ),
        handshake_entry(
            &names.tungstenite,
            Kind::Peer,
            Box::new(|r| tung::handshake(request, n, r)),
        ),
        handshake_entry(
            &format!("{} (via hyper)", names.fastwebsockets),
            Kind::Peer,
            Box::new(|r| fws::handshake(rt, request, n, r)),
        ),
        handshake_entry(
            &names.tokio_websockets,
            Kind::Peer,
            Box::new(|r| tws::handshake(rt, request, n, r)),
        ),
        handshake_entry(
            &names.soketto,
            Kind::Peer,
            Box::new(|r| soketto::handshake(rt, request, n, r)),
        ),
        handshake_entry(
            &names.embedded,
            Kind::Peer,
            Box::new(|r| embedded::handshake(request, n, r)),
        ),
    ];
    let mut responses = Responses::new(n);
    measure(&mut entries, &mut responses, reps);
    report(
        "H1",
        "handshake: parse a browser upgrade request, write the 101",
        &format!(
            "{} handshakes of a 493-byte request; MB/s counts request bytes",
            thousands(n as f64)
        ),
        (n * request.len()) as u64,
        n,
        &entries,
    );
}

/// Z1, Z2: permessage-deflate (none of the peers measured here implements
/// it): compression and decompression speed, and the size on the wire,
/// next to a reference compressor.
fn deflate_workload(id: &str, reps: usize) {
    let w = crate::deflate::workload(id);
    let w = &w;
    let mut wire = Vec::new();
    crate::deflate::compress(w, &mut wire);
    crate::deflate::check(w, &wire);
    let compressed = wire.clone();
    let wire_len = wire.len();
    let mut reference = Vec::new();
    crate::deflate::compress_reference(w, &mut reference);
    let reference_len = reference.len();
    let mut entries: Vec<Entry<'_, Vec<u8>>> = vec![
        Entry::new(
            "rfc6455 send_text, compressing",
            Kind::Ours,
            move |_full, sink: &mut Vec<u8>| crate::deflate::compress(w, sink),
        ),
        Entry::new(
            "miniz_oxide 0.9, compressing (reference)",
            Kind::Peer,
            move |_full, sink: &mut Vec<u8>| crate::deflate::compress_reference(w, sink),
        ),
        Entry::new(
            "rfc6455 MessageReader, inflating",
            Kind::OursAlt,
            move |_full, _sink: &mut Vec<u8>| crate::deflate::decompress(w, &compressed),
        ),
    ];
    measure(&mut entries, &mut wire, reps);
    let payload = w.payload();
    println!("\n{}  {}", w.id, w.title);
    println!(
        "    {} messages, {} payload bytes, {} bytes on the wire: {:.1}% of the payload; {reps} timed runs",
        thousands(w.messages.len() as f64),
        thousands(payload as f64),
        thousands(wire_len as f64),
        100.0 * wire_len as f64 / payload as f64,
    );
    println!(
        "  {:<40} {:>9} {:>21}   {:>12} {:>27}",
        "implementation", "MB/s", "(min .. max)", "msgs/s", "(min .. max)"
    );
    for e in &entries {
        let (mb, mb_lo, mb_hi) = stats(&e.times, payload as f64 / 1e6);
        let (ms, ms_lo, ms_hi) = stats(&e.times, w.messages.len() as f64);
        println!(
            "  {:<40} {:>9.1} {:>21}   {:>12} {:>27}",
            e.name,
            mb,
            format!("({mb_lo:.1} .. {mb_hi:.1})"),
            thousands(ms),
            format!("({} .. {})", thousands(ms_lo), thousands(ms_hi)),
        );
    }
    println!(
        "  (MB/s counts uncompressed payload; no peer here implements permessage-deflate; the reference\n   compresses at the same level and window, unframed, to {} bytes: {:.1}% of the payload)",
        thousands(reference_len as f64),
        100.0 * reference_len as f64 / payload as f64,
    );
    let median = |name: &str| {
        entries
            .iter()
            .find(|e| e.name.starts_with(name))
            .map(|e| stats(&e.times, 1.0).0)
    };
    if let (Some(ours), Some(reference)) = (median("rfc6455 send_text"), median("miniz_oxide")) {
        println!(
            "  compressing, ours / reference: {:.2}x the speed, {:.2}x the size",
            ours / reference,
            wire_len as f64 / reference_len as f64
        );
    }
}

fn limits_workload(reps: usize) {
    let b = spec::limit_buffers();
    let b = &b;
    let mut entries: Vec<Entry<'_, Vec<u8>>> = Op::ALL
        .iter()
        .map(|&op| {
            Entry::new(
                op.name(),
                Kind::OursAlt,
                move |_full, scratch: &mut Vec<u8>| limits::run(op, b, scratch),
            )
        })
        .collect();
    let mut scratch = b.binary.clone();
    measure(&mut entries, &mut scratch, reps);
    let payload = (L1_PASSES * L1_SIZE) as u64;
    println!("\nL1  physical-limit anchors: 1 MiB buffers, {L1_PASSES} passes per run; {reps} timed runs");
    println!(
        "  {:<40} {:>9} {:>21}   {:>12}",
        "operation", "MB/s", "(min .. max)", "passes/s"
    );
    let mut median = std::collections::HashMap::new();
    for e in &entries {
        let Some(&op) = Op::ALL.iter().find(|op| op.name() == e.name) else {
            continue;
        };
        let (mb, lo, hi) = stats(&e.times, payload as f64 / 1e6);
        let (ps, _, _) = stats(&e.times, L1_PASSES as f64);
        median.insert(op, mb);
        println!(
            "  {:<40} {:>9.1} {:>21}   {:>12}",
            e.name,
            mb,
            format!("({lo:.1} .. {hi:.1})"),
            thousands(ps)
        );
    }
    if median.len() < Op::ALL.len() {
        // `--only` left some rows out: no summary.
        return;
    }
    let m = |op| median[&op];
    println!(
        "  => masking: rfc6455::apply_mask {:.0} MB/s = {:.0}% of memcpy ({:.0} MB/s); xor-u64 {:.0}%, xor-u8 {:.0}%",
        m(Op::ApplyMask),
        100.0 * m(Op::ApplyMask) / m(Op::Memcpy),
        m(Op::Memcpy),
        100.0 * m(Op::XorU64) / m(Op::Memcpy),
        100.0 * m(Op::XorU8) / m(Op::Memcpy),
    );
    for (label, std_op, our_op, simd_op) in [
        ("mixed", Op::StdMixed, Op::OursMixed, Op::SimdMixed),
        ("ASCII", Op::StdAscii, Op::OursAscii, Op::SimdAscii),
    ] {
        println!(
            "  => UTF-8 {label}: rfc6455::Utf8Validator {:.0} MB/s = {:.2}x core::str::from_utf8 ({:.0} MB/s); simdutf8 {:.0} MB/s",
            m(our_op),
            m(our_op) / m(std_op),
            m(std_op),
            m(simd_op),
        );
    }
}

/// Row names: crate and version.
struct Names {
    ours: String,
    tungstenite: String,
    fastwebsockets: String,
    tokio_websockets: String,
    soketto: String,
    embedded: String,
}

/// Versions from the workspace's lock file.
fn locked_versions() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    let mut name = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let Some(v) = line.strip_prefix("version = ") {
            if let Some(n) = name.take() {
                out.push((n, v.trim_matches('"').to_owned()));
            }
        }
    }
    out
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let available = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut s = String::new();
    let _ = write!(
        s,
        "machine: {model}, {logical} logical CPUs ({available} available); load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    s
}

/// `cargo bench -p rfc6455-benches [-- WORKLOAD... --reps N --only NAME]`.
pub fn main() {
    let mut reps = 11;
    let mut chosen = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => {
                reps = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--reps takes a number");
            }
            "--only" => {
                let only = args.next().expect("--only takes a name");
                ONLY.set(only).expect("--only is given once");
            }
            a if a.starts_with("--") => {} // cargo bench passes --bench
            a => chosen.push(a.to_uppercase()),
        }
    }
    assert!(reps >= 7, "WORKLOADS.md §2 asks for at least 7 timed runs");
    let all = [
        "D1", "D2", "D3", "D4", "D5", "E1", "E2", "H1", "L1", "Z1", "Z2",
    ];
    if chosen.is_empty() {
        // Z1 and Z2 (permessage-deflate, ours only) run when named.
        chosen = all[..9].iter().map(|s| s.to_string()).collect();
    }
    for c in &chosen {
        assert!(
            all.contains(&c.as_str()),
            "unknown workload {c}; known: {all:?}"
        );
    }

    let versions = locked_versions();
    let version = |name: &str| {
        versions
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| name.to_owned(), |(n, v)| format!("{n} {v}"))
    };
    let names = Names {
        ours: version("rfc6455"),
        tungstenite: version("tungstenite"),
        fastwebsockets: version("fastwebsockets"),
        tokio_websockets: version("tokio-websockets"),
        soketto: version("soketto"),
        embedded: version("embedded-websocket"),
    };
    println!("rfc6455 benchmarks, shared/bench/WORKLOADS.md version 1");
    println!("{}", machine());
    println!("rustc: {}", env!("BENCH_RUSTC_VERSION"));
    println!(
        "crates: {}, {}, {}, {}, {}, {}; {}, {}, {}",
        names.ours,
        names.tungstenite,
        names.fastwebsockets,
        names.tokio_websockets,
        names.soketto,
        names.embedded,
        version("tokio"),
        version("hyper"),
        version("simdutf8"),
    );
    println!(
        "profile: {}; {reps} timed runs after 1 checked warm-up, round-robin; medians (min .. max)",
        if cfg!(debug_assertions) {
            "DEBUG (numbers meaningless)"
        } else {
            "optimised"
        }
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    for id in &chosen {
        match id.as_str() {
            "D1" | "D2" | "D3" | "D4" | "D5" => decode_workload(id, &rt, &names, reps),
            "E1" | "E2" => encode_workload(id, &rt, &names, reps),
            "H1" => handshake_workload(&rt, &names, reps),
            "L1" => limits_workload(reps),
            "Z1" | "Z2" => deflate_workload(id, reps),
            _ => unreachable!(),
        }
    }
}
