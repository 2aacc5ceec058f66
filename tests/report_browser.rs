//! The report as a person sees it: report.html of the headline scenario
//! rendered by a real headless Chromium with every network lookup failing
//! (`--host-resolver-rules="MAP * ~NOTFOUND"`). Checked: the page writes
//! nothing to the console and asks the network for nothing (Chromium's own
//! net log, requests made on behalf of a file:// page), the screenshot is
//! not blank, every figure's SVG is in the rendered page and not empty, and
//! the claim paragraph's P(claim) is summary.csv's prob_meets_claim as the
//! page rounds it, and printed to PDF it is on A4 pages.
//!
//! Chromium is driven by its command line (`--dump-dom`, `--screenshot`,
//! `--print-to-pdf`, `--enable-logging=stderr`, `--log-net-log`): one process per check, no
//! DevTools client or WebDriver to install, nothing that can hang on a
//! socket. A page with a console message and a blocked image is rendered
//! the same way first, so the checks are shown able to fail.
//!
//! Without /usr/bin/chromium the test says it was skipped, unless `CI` is
//! set: CI installs Chromium (.ci/run), so there it fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, or `None` (and a plain "skipped" line) when it is not installed
/// outside CI.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "Chromium is not installed at {CHROMIUM}, and CI must run the browser test; .ci/run installs it (apt-get install chromium)"
    );
    println!("skipped: Chromium not installed (apt-get install chromium)");
    None
}

/// What one headless Chromium run left: its stdout, its stderr, and the
/// text of its net log.
struct Rendered {
    stdout: String,
    stderr: String,
    net_log: String,
}

/// Render `page` with networking blocked, adding `extra` flags.
fn render(chromium: &Path, page: &Path, extra: &[String]) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let net_log = profile.path().join("net-log.json");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().join("profile").display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .args(extra)
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Rendered {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        net_log: std::fs::read_to_string(&net_log).unwrap_or_default(),
    }
}

/// Messages the page wrote to the console (Chromium logs them as `CONSOLE`).
fn console_messages(r: &Rendered) -> Vec<&str> {
    r.stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// URLs the page asked for over the network: net-log events of requests
/// whose isolation key is the file:// page (Chromium's own background
/// requests have none), for http(s).
fn page_requests(r: &Rendered) -> Vec<String> {
    let mut urls = Vec::new();
    // One event a line.
    for event in r.net_log.lines() {
        if !event.contains("\"network_isolation_key\":\"file://") {
            continue;
        }
        if let Some(i) = event.find("\"url\":\"http") {
            let rest = &event[i + 7..];
            let end = rest.find('"').unwrap_or(rest.len());
            urls.push(rest[..end].to_string());
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// The text inside `<span class="p-claim">…</span>`.
fn marked_claim(dom: &str) -> Option<String> {
    let start = dom.find("<span class=\"p-claim\">")? + "<span class=\"p-claim\">".len();
    let end = start + dom[start..].find("</span>")?;
    Some(dom[start..end].replace("&lt;", "<").replace("&gt;", ">"))
}

/// summary.csv's prob_meets_claim of `metric`.
fn prob_meets_claim(summary: &Path, metric: &str) -> f64 {
    let mut reader = csv::Reader::from_path(summary).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = header.iter().position(|h| h == "prob_meets_claim").unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        if &record[0] == metric {
            return record[col].parse().unwrap();
        }
    }
    panic!("{metric} not in summary.csv");
}

/// Share of pixels that are not white, and the number of distinct colours
/// (sampled), of a PNG.
fn pixel_variety(png_path: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut not_white = 0usize;
    let pixels = bytes.len() / channels;
    for px in bytes.chunks(channels) {
        let rgb = (px[0], px[1 % channels], px[2 % channels]);
        if rgb != (255, 255, 255) {
            not_white += 1;
        }
        if colours.len() < 10_000 {
            colours.insert(rgb);
        }
    }
    (not_white as f64 / pixels as f64, colours.len())
}

#[test]
fn the_checks_catch_a_console_message_and_a_network_request() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = common::write(
        dir.path(),
        "bad.html",
        "<!DOCTYPE html><html><head><title>bad</title></head><body><p>x</p>\
         <img src=\"http://cradle-report-test.invalid/x.png\">\
         <script>console.error('boom');</script></body></html>",
    );
    let r = render(&chromium, &page, &["--dump-dom".to_string()]);
    assert_eq!(console_messages(&r).len(), 1, "{}", r.stderr);
    assert_eq!(
        page_requests(&r),
        ["http://cradle-report-test.invalid/x.png"],
        "the net log shows the page's request"
    );
}

#[test]
fn the_headline_report_renders_offline_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let status = Command::new(env!("CARGO_BIN_EXE_cradle"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "report",
            "scenarios/headline.toml",
            "--compare",
            "scenarios/variants/headline-fade-out.toml",
        ])
        .args([
            "-n",
            "50000",
            "--sobol-samples",
            "1024",
            "--prcc-iterations",
            "5000",
            "--bootstrap",
            "100",
        ])
        .args(["--quiet", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let page = out.join("report.html");

    // The DOM after loading: no console message, no request, no script.
    let r = render(&chromium, &page, &["--dump-dom".to_string()]);
    assert_eq!(console_messages(&r), Vec::<&str>::new(), "console messages");
    assert_eq!(page_requests(&r), Vec::<String>::new(), "the page fetched something");
    let dom = &r.stdout;
    assert!(
        dom.contains("<h2 id=\"claim\">Does the claim hold?</h2>"),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(!dom.contains("<script"));

    // Every figure written to figures/ is in the page, as SVG with content.
    let mut files: Vec<String> = std::fs::read_dir(out.join("figures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        let id = format!("<figure id=\"figure-{}\"", file.trim_end_matches(".svg"));
        let start = dom.find(&id).unwrap_or_else(|| panic!("{file} is not in the page"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        let svg = &figure[figure.find("<svg").expect("an inline svg")..];
        let shapes = ["<rect", "<path", "<polyline", "<line", "<circle", "<text"]
            .iter()
            .map(|s| svg.matches(s).count())
            .sum::<usize>();
        assert!(shapes > 10, "{file}: an empty figure");
        assert!(svg.contains("<title") && svg.contains("<desc"), "{file}: not labelled");
    }

    // The claim paragraph's P(claim) is summary.csv's, as the page rounds it.
    let shown = marked_claim(dom).expect("a P(claim) in the claim paragraph");
    let p = prob_meets_claim(&out.join("summary.csv"), "value_per_child");
    assert_eq!(shown, cradle::report::format::probability(p), "P(claim) {p}");

    // The screenshot is not blank: mostly white paper, but with text and figures.
    let shot = dir.path().join("report.png");
    render(
        &chromium,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000".to_string(),
        ],
    );
    let (ink, colours) = pixel_variety(&shot);
    assert!(ink > 0.03 && ink < 0.9, "share of non-white pixels {ink}");
    assert!(colours > 50, "only {colours} colours");

    // Printed, it is on A4 pages (the print style's `@page { size: A4 }`;
    // Chromium's own default is US Letter, 612 × 792 pt).
    let pdf = dir.path().join("report.pdf");
    render(
        &chromium,
        &page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_string(),
        ],
    );
    let pages = media_boxes(&std::fs::read(&pdf).unwrap());
    assert!(pages.len() >= 4, "{} pages", pages.len());
    for (w, h) in pages {
        assert!(
            (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
            "a {w} × {h} pt page is not A4"
        );
    }
}

/// Width and height in points of every page of a PDF, from its
/// `/MediaBox [0 0 W H]` entries (Chromium writes them uncompressed).
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox [")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let numbers: Vec<f64> = rest[..rest.find(']')?]
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            (numbers.len() == 4).then(|| (numbers[2] - numbers[0], numbers[3] - numbers[1]))
        })
        .collect()
}
