//! The progress bar on stderr: shown once work has gone on for a second,
//! only when stderr is a terminal and `--quiet` is not given; cleared when
//! the work ends. Iterations show a rate rounded as people read it
//! ("1.84M it/s"); other work (Sobol matrices, bootstrap) shows a percentage.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use cradle::engine::{Observer, SampleBlock};
use cradle::output::{RowSink, SampleWriter, StagedFile};

/// A rate of iterations, rounded: "1.84M it/s", "812k it/s", "95 it/s".
pub fn rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "– it/s".to_string();
    }
    let (value, suffix) = if per_second >= 1e9 {
        (per_second / 1e9, "G")
    } else if per_second >= 1e6 {
        (per_second / 1e6, "M")
    } else if per_second >= 1e3 {
        (per_second / 1e3, "k")
    } else {
        (per_second, "")
    };
    // Three significant figures.
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let decimals = if suffix.is_empty() { 0 } else { decimals };
    format!("{value:.decimals$}{suffix} it/s")
}

/// What a stage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Monte Carlo iterations (shown with a rate).
    Iterations,
    /// Steps of other work (shown as a percentage).
    Steps,
}

fn style(counting: Counting) -> ProgressStyle {
    let template = match counting {
        Counting::Iterations => {
            "{spinner} {msg:>16} [{elapsed_precise}] {bar:22} {human_pos}/{human_len} {rate} eta {eta}"
        }
        Counting::Steps => "{spinner} {msg:>16} [{elapsed_precise}] {bar:22} {percent:>3}% eta {eta}",
    };
    ProgressStyle::with_template(template)
        .expect("the template is valid")
        .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&rate(s.per_sec()));
        })
}

/// One progress bar for a command's successive stages.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    show: bool,
    shown: bool,
    stage: Option<(String, Counting)>,
}

impl Progress {
    /// A bar that appears after a second of work, on a terminal, unless `quiet`.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            start: Instant::now(),
            show: !quiet && std::io::stderr().is_terminal(),
            shown: false,
            stage: None,
        }
    }

    /// `stage` has done `done` of `total`.
    pub fn update(&mut self, stage: &str, counting: Counting, done: u64, total: u64) {
        let same = self.stage.as_ref().is_some_and(|(s, c)| s == stage && *c == counting);
        if !same {
            // A fresh bar per stage, built whole before it is drawn: no frame
            // shows a stage's name beside the previous stage's count, and
            // the rate and elapsed time are the stage's own.
            let target = if self.shown {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            };
            let bar = ProgressBar::with_draw_target(Some(total.max(1)), target)
                .with_style(style(counting))
                .with_message(stage.to_string())
                .with_position(done.min(total));
            std::mem::replace(&mut self.bar, bar).finish_and_clear();
            self.stage = Some((stage.to_string(), counting));
        }
        self.bar.set_length(total.max(1));
        self.bar.set_position(done.min(total));
        if self.show && !self.shown && self.start.elapsed() > Duration::from_secs(1) && done < total {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    /// Clear the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The progress of a run (or a comparison), and samples.csv with
/// `--samples` (or a shard's rows file).
pub struct RunObserver<S: RowSink = StagedFile> {
    progress: Progress,
    stage: &'static str,
    samples: Option<SampleWriter<S>>,
}

impl<S: RowSink> RunObserver<S> {
    /// A bar for `stage` (e.g. "run"), unless `quiet`; `samples` receives
    /// every block of samples in order.
    pub fn new(quiet: bool, stage: &'static str, samples: Option<SampleWriter<S>>) -> RunObserver<S> {
        RunObserver {
            progress: Progress::new(quiet),
            stage,
            samples,
        }
    }

    /// Clear the bar; hand back the samples writer to commit.
    pub fn finish(self) -> Option<SampleWriter<S>> {
        self.progress.finish();
        self.samples
    }
}

impl<S: RowSink> Observer for RunObserver<S> {
    fn progress(&mut self, done: u64, total: u64) {
        self.progress.update(self.stage, Counting::Iterations, done, total);
    }

    fn samples(&mut self, block: &SampleBlock) -> cradle::Result<()> {
        match &mut self.samples {
            Some(w) => cradle::engine::Observer::samples(w, block),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_rounded_for_people() {
        assert_eq!(rate(1_843_211.43), "1.84M it/s");
        assert_eq!(rate(812_345.0), "812k it/s");
        assert_eq!(rate(12_345.0), "12.3k it/s");
        assert_eq!(rate(95.4), "95 it/s");
        assert_eq!(rate(2.5e9), "2.50G it/s");
        assert_eq!(rate(0.0), "– it/s");
    }
}
