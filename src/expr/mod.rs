//! Expressions over parameter names: parsed once when a scenario loads,
//! compiled to a flat list of column operations, evaluated per chunk.
//!
//! Grammar (usual precedence, `^` binds tightest and is right-associative,
//! so `-x^2 = -(x^2)` and `2^3^2 = 2^9`):
//!
//! ```text
//! expr    = term (("+" | "-") term)*
//! term    = unary (("*" | "/") unary)*
//! unary   = "-" unary | power
//! power   = atom ("^" unary)?
//! atom    = number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
//! ```
//!
//! Names are parameters, `[derived]` values and (in `[metrics]`) the model's
//! outputs; `pi` is π. Functions: exp, ln, log10, sqrt, abs, min, max, pow,
//! sin, cos, norm_cdf, norm_inv (standard normal), logistic, logit.
//!
//! The path is `parse` (text → [`Expr`]) → `compile` (an [`Expr`] → [`Op`]s
//! on a [`Tape`], names resolved to columns, constants folded) → `eval`
//! ([`Op::eval`] over the columns of a chunk).

mod compile;
mod eval;
mod parse;

pub use compile::{Op, OpKind, Operand, Tape};
pub use parse::{MAX_CHARS, MAX_DEPTH, SyntaxError, parse};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A name to resolve at compile time.
    Name(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary arithmetic operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// A function call (arity checked at parse time).
    Call(Func, Vec<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a × b
    Mul,
    /// a / b
    Div,
    /// a ^ b
    Pow,
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// e^x
    Exp,
    /// natural logarithm
    Ln,
    /// base-10 logarithm
    Log10,
    /// square root
    Sqrt,
    /// |x|
    Abs,
    /// sine (radians)
    Sin,
    /// cosine (radians)
    Cos,
    /// standard normal CDF Φ(x)
    NormCdf,
    /// standard normal quantile Φ⁻¹(p)
    NormInv,
    /// 1 / (1 + e^−x)
    Logistic,
    /// ln(p / (1 − p))
    Logit,
    /// min(a, b)
    Min,
    /// max(a, b)
    Max,
    /// pow(a, b) = a^b
    Pow,
}

/// Each function's name in expressions, and its arity.
const FUNCTIONS: [(&str, Func, usize); 14] = [
    ("exp", Func::Exp, 1),
    ("ln", Func::Ln, 1),
    ("log10", Func::Log10, 1),
    ("sqrt", Func::Sqrt, 1),
    ("abs", Func::Abs, 1),
    ("sin", Func::Sin, 1),
    ("cos", Func::Cos, 1),
    ("norm_cdf", Func::NormCdf, 1),
    ("norm_inv", Func::NormInv, 1),
    ("logistic", Func::Logistic, 1),
    ("logit", Func::Logit, 1),
    ("min", Func::Min, 2),
    ("max", Func::Max, 2),
    ("pow", Func::Pow, 2),
];

impl Expr {
    /// The names this expression refers to, in order of first appearance.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Name(n) => {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
            Expr::Neg(e) => e.collect_names(out),
            Expr::Bin(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_names(out)),
        }
    }

    /// The value of an expression with no names, else `None`.
    pub fn constant_value(&self) -> Option<f64> {
        let mut tape = Tape::default();
        match tape.compile(self, &|_| None).ok()? {
            Operand::Const(v) => Some(v),
            Operand::Slot(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_once_in_order() {
        assert_eq!(parse("b * a + b").unwrap().names(), vec!["b", "a"]);
    }
}
