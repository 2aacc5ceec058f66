//! Scenario files: TOML → a typed, validated [`Scenario`].
//!
//! The path is `document` (TOML with lines) → `inherit` (`extends` merged) →
//! `read` (typed sections, every value checked) → `names` (every expression's
//! names resolved, cycles found, evaluation order fixed; `dependence` applies
//! the rules of `[[correlation]]` and `[[group]]`). Past
//! [`Scenario::load`], nothing is re-checked: a `Scenario` that exists is valid.

mod dependence;
mod document;
mod inherit;
mod names;
mod read;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::discount::Years;
use crate::dist::Dist;
use crate::error::{Location, Result};
use crate::expr::Expr;
pub use document::MAX_SCENARIO_BYTES;
pub use read::clip;

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file the user named.
    pub path: PathBuf,
    /// Every file read: the scenario first, then the files it extends.
    pub files: Vec<PathBuf>,
    /// SHA-256 over the bytes of every file read, in `files` order.
    pub sha256: String,
    /// `[scenario] name`.
    pub name: String,
    /// `[scenario] description`.
    pub description: String,
    /// `[scenario] price_year`.
    pub price_year: Option<i64>,
    /// `[settings]`.
    pub settings: Settings,
    /// `[discounting]`.
    pub discounting: Discounting,
    /// `[parameters]`, in file order.
    pub parameters: Vec<Parameter>,
    /// `[derived]`, in evaluation (dependency) order.
    pub derived: Vec<Formula>,
    /// `[[domain]]`, in file order.
    pub domains: Vec<Domain>,
    /// `[programme]`; absent for a pure test-function scenario.
    pub programme: Option<Programme>,
    /// `[metrics]`, in evaluation (dependency) order.
    pub metrics: Vec<Formula>,
    /// How each `[metrics]` entry is named and measured for people (its
    /// `label` and `unit`, or its name and no unit), in file order. See
    /// [`Scenario::metric_label`], which covers the built-in metrics too.
    pub metric_labels: Vec<MetricLabel>,
    /// `[claim]`: published figures, by metric.
    pub claims: Vec<Claim>,
    /// `[[group]]`: parameters analysed as one factor by Sobol indices.
    pub groups: Vec<Group>,
    /// `[[correlation]]`, combined into one target rank-correlation matrix
    /// (`None` when no pair has a non-zero correlation).
    pub correlation: Option<CorrelationTarget>,
    /// Remarks on how the scenario was read, for the user (e.g. inherited
    /// correlations dropped because a child fixed a parameter). The library
    /// never prints them; the commands show them as `note: ...`.
    pub notes: Vec<String>,
}

/// One `[[correlation]]` entry: a pair with a rank correlation, or a matrix.
#[derive(Debug, Clone)]
pub struct CorrelationEntry {
    /// The parameters, in matrix order.
    pub parameters: Vec<String>,
    /// The k × k target (a pair becomes [[1, ρ], [ρ, 1]]).
    pub matrix: Vec<Vec<f64>>,
    /// Where it was written.
    pub at: Location,
}

/// The target rank correlations of all correlated parameters: every pair
/// named in `[[correlation]]` (a child's value over its parent's), 0 for
/// pairs never named. Only parameters with at least one non-zero
/// correlation are listed. It may not be positive semi-definite; the sampler
/// repairs it (Higham 2002) and says so.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationTarget {
    /// Parameter names, in order of first appearance.
    pub parameters: Vec<String>,
    /// Symmetric, unit diagonal, entries in [−1, 1].
    pub matrix: Vec<Vec<f64>>,
    /// Where each parameter was first named.
    pub locations: Vec<Location>,
    /// Where the value of each pair was written (`None` on the diagonal and
    /// for pairs never named).
    pub sources: Vec<Vec<Option<Location>>>,
}

/// Parameters that are uncertain jointly: one factor in Sobol indices,
/// sampled jointly with the correlations between its members and swapped as
/// one block. Groups are closed under correlation: a parameter correlated
/// with a member is a member.
#[derive(Debug, Clone)]
pub struct Group {
    /// The factor's name in sobol.csv.
    pub name: String,
    /// Its parameters.
    pub parameters: Vec<String>,
    /// Where it was written.
    pub at: Location,
}

/// Run defaults from `[settings]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Number of Monte Carlo iterations.
    pub iterations: u64,
    /// Seed of the random streams.
    pub seed: u64,
    /// Sampling design.
    pub sampler: Sampler,
}

/// How the input columns are filled (`[settings] sampler`, `--sampler`);
/// the designs themselves live in `crate::sampling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampler {
    /// Independent draws (the default).
    #[default]
    MonteCarlo,
    /// Latin hypercube over the whole run.
    LatinHypercube,
    /// Owen-scrambled Sobol points.
    Sobol,
}

impl Sampler {
    /// The name used on the command line and in run.csv.
    pub fn name(self) -> &'static str {
        match self {
            Sampler::MonteCarlo => "mc",
            Sampler::LatinHypercube => "lhs",
            Sampler::Sobol => "sobol",
        }
    }

    /// Parse `mc`, `lhs` or `sobol`.
    pub fn parse(name: &str) -> Option<Sampler> {
        [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Default iterations when neither the scenario nor the command line says.
pub const DEFAULT_ITERATIONS: u64 = 100_000;
/// Default seed when neither the scenario nor the command line says.
pub const DEFAULT_SEED: u64 = 20_260_209;

/// An uncertain input.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name, used in expressions.
    pub name: String,
    /// Its distribution.
    pub dist: Dist,
    /// The value used in the deterministic base case.
    pub base: f64,
    /// Where the number comes from.
    pub source: Option<String>,
    /// Unit of measurement.
    pub unit: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// Where it was written.
    pub at: Location,
}

/// A named or keyed expression with where it was written.
#[derive(Debug, Clone)]
pub struct Formula {
    /// The name (for `[derived]` and `[metrics]`) or the dotted key.
    pub name: String,
    /// The text as written.
    pub text: String,
    /// The parsed expression.
    pub expr: Expr,
    /// Where it was written.
    pub at: Location,
}

/// How the effect of an intervention fades: fade(t) = ρ + (1 − ρ)·e^{−λt}.
#[derive(Debug, Clone)]
pub enum Fade {
    /// No fade: the effect lasts (fade = 1).
    None,
    /// A long-run floor ρ and a decay rate λ a year.
    FloorRate {
        /// ρ
        floor: Formula,
        /// λ
        rate: Formula,
    },
    /// ρ = 0, λ = ln 2 / half_life.
    HalfLife(Formula),
}

/// Which schedule of `[discounting]` a domain uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountChoice {
    /// `[discounting] costs`.
    Costs,
    /// `[discounting] health`.
    Health,
}

/// A discount schedule as written in `[discounting]`.
#[derive(Debug, Clone)]
pub enum DiscountSpec {
    /// HM Treasury Green Book declining schedule (3.5%, 3%, …).
    GreenBook,
    /// Green Book health schedule (1.5%, 1.29%, …).
    GreenBookHealth,
    /// A constant rate: a number or an expression (may be uncertain).
    Rate(Formula),
}

/// `[discounting]`: the two schedules a domain can pick.
#[derive(Debug, Clone)]
pub struct Discounting {
    /// For costs (default Green Book).
    pub costs: DiscountSpec,
    /// For health effects (default Green Book health).
    pub health: DiscountSpec,
}

/// One avoided cost stream per child supported.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Unique name.
    pub name: String,
    /// Who bears the cost (nhs, social_care, education, justice, economy, …).
    pub payer: String,
    /// Avoided cases per child.
    pub effect: Formula,
    /// £ per case per year.
    pub annual_cost: Formula,
    /// Years after the intervention, [start, end).
    pub ages: (Years, Years),
    /// Fade-out of the effect.
    pub fade: Fade,
    /// Discount schedule.
    pub discount: DiscountChoice,
    /// Real growth of the unit cost a year (0 when absent).
    pub growth: Option<Formula>,
    /// Where the domain was written.
    pub at: Location,
}

/// `[programme]`: reach and cost.
#[derive(Debug, Clone)]
pub struct Programme {
    /// Families reached a year.
    pub reach: Formula,
    /// £ per family supported.
    pub cost_per_family: Formula,
    /// Optional multiplier on value per child.
    pub adjustment: Option<Formula>,
}

/// A published figure to test against: P(metric ≥ value).
#[derive(Debug, Clone)]
pub struct Claim {
    /// The metric it names.
    pub metric: String,
    /// The published value.
    pub value: f64,
    /// Where it was written.
    pub at: Location,
}

/// How a metric is named and measured for a reader: terminal tables, figure
/// axes and the report use it; CSV files keep the metric's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricLabel {
    /// The metric's name in expressions and CSV files.
    pub metric: String,
    /// Its name for people, e.g. "Value per child".
    pub label: String,
    /// Its unit: "£" for money (written £38,700), empty for a plain number,
    /// anything else written after the number ("3.2 QALYs").
    pub unit: String,
}

impl MetricLabel {
    /// A metric known only by its name: labelled with it, no unit.
    pub fn plain(metric: &str) -> MetricLabel {
        MetricLabel {
            metric: metric.to_string(),
            label: metric.to_string(),
            unit: String::new(),
        }
    }

    /// Whether the metric is a sum of money (unit "£").
    pub fn is_money(&self) -> bool {
        self.unit == "£"
    }
}

/// Labels and units of the built-in metrics, in [`BUILTIN_METRICS`] order.
pub const BUILTIN_LABELS: [(&str, &str, &str); 5] = [
    ("value_per_child", "Value per child", "£"),
    ("gross_savings", "Gross savings (annual cohort)", "£"),
    ("programme_cost", "Programme cost", "£"),
    ("net_savings", "Net savings", "£"),
    ("benefit_cost_ratio", "Benefit-cost ratio", ""),
];

/// The model outputs every scenario with a `[programme]` has, in order.
pub const BUILTIN_METRICS: [&str; 5] = [
    "value_per_child",
    "gross_savings",
    "programme_cost",
    "net_savings",
    "benefit_cost_ratio",
];

impl Scenario {
    /// Load, merge (`extends`), validate and resolve a scenario file.
    ///
    /// Every problem that is cheap to find is reported together, each with
    /// its file, line and key.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let merged = inherit::load(path)?;
        let mut hasher = Sha256::new();
        for text in &merged.texts {
            hasher.update(text.as_bytes());
        }
        let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let mut scenario = read::read(&merged.table, path)?;
        scenario.files = merged.files;
        scenario.sha256 = sha256;
        names::resolve(&mut scenario, &merged.introduced)?;
        Ok(scenario)
    }

    /// Names of the outputs, in output order: the built-in metrics (when
    /// there is a programme), then the scenario's own `[metrics]`.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        if self.programme.is_some() {
            names.extend(BUILTIN_METRICS.iter().map(|s| s.to_string()));
        }
        names.extend(self.metrics.iter().map(|m| m.name.clone()));
        names
    }

    /// A short label for tables and compare.csv: the file's stem.
    pub fn label(&self) -> String {
        self.path
            .file_stem()
            .map_or_else(|| self.path.display().to_string(), |x| x.to_string_lossy().into_owned())
    }

    /// The published value for `metric`, if `[claim]` names one.
    pub fn claim(&self, metric: &str) -> Option<f64> {
        self.claims.iter().find(|c| c.metric == metric).map(|c| c.value)
    }

    /// How the output `name` is named and measured for people: a `[metrics]`
    /// entry's own `label`/`unit`, a built-in metric's ([`BUILTIN_LABELS`]),
    /// a domain's contribution (its name, in £), or else the name itself with
    /// no unit.
    pub fn metric_label(&self, name: &str) -> MetricLabel {
        if let Some(l) = self.metric_labels.iter().find(|l| l.metric == name) {
            return l.clone();
        }
        if let Some((metric, label, unit)) = BUILTIN_LABELS.iter().find(|(m, _, _)| *m == name)
            && self.programme.is_some()
        {
            return MetricLabel {
                metric: metric.to_string(),
                label: label.to_string(),
                unit: unit.to_string(),
            };
        }
        if self.domains.iter().any(|d| d.name == name) {
            return MetricLabel {
                metric: name.to_string(),
                label: name.to_string(),
                unit: "£".to_string(),
            };
        }
        MetricLabel::plain(name)
    }

    /// The parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}
