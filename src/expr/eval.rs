//! Evaluating a column program: [`Op::eval`] runs one operation over the
//! rows of a chunk, and the scalar arithmetic ([`binary`], [`call2`],
//! `Func::apply1`) is shared with constant folding so that a folded constant
//! equals what evaluation would have computed.

use super::compile::{Op, OpKind, Operand};
use super::{BinOp, Func};
use crate::special::{norm_cdf, norm_inv};

impl Func {
    /// A one-argument function at `x`; the two-argument ones give NaN here
    /// (they go through `call2`).
    pub(super) fn apply1(self, x: f64) -> f64 {
        match self {
            Func::Exp => x.exp(),
            Func::Ln => x.ln(),
            Func::Log10 => x.log10(),
            Func::Sqrt => x.sqrt(),
            Func::Abs => x.abs(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::NormCdf => norm_cdf(x),
            Func::NormInv => norm_inv(x),
            Func::Logistic => 1.0 / (1.0 + (-x).exp()),
            Func::Logit => (x / (1.0 - x)).ln(),
            Func::Min | Func::Max | Func::Pow => f64::NAN,
        }
    }
}

/// `a op b`.
pub(super) fn binary(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Pow => a.powf(b),
    }
}

/// A two-argument function; anything but min and max is pow.
pub(super) fn call2(f: Func, a: f64, b: f64) -> f64 {
    match f {
        Func::Min => a.min(b),
        Func::Max => a.max(b),
        _ => a.powf(b),
    }
}

/// Run `f` element-wise over one or two operands into `out`. Each operand
/// pattern gets its own loop so the compiler can vectorise it.
fn map1(out: &mut [f64], a: Operand, cols: &[Vec<f64>], f: impl Fn(f64) -> f64) {
    match a {
        Operand::Slot(i) => {
            for (o, x) in out.iter_mut().zip(&cols[i]) {
                *o = f(*x);
            }
        }
        Operand::Const(c) => out.fill(f(c)),
    }
}

fn map2(out: &mut [f64], a: Operand, b: Operand, cols: &[Vec<f64>], f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (Operand::Slot(i), Operand::Slot(j)) => {
            for ((o, x), y) in out.iter_mut().zip(&cols[i]).zip(&cols[j]) {
                *o = f(*x, *y);
            }
        }
        (Operand::Slot(i), Operand::Const(c)) => {
            for (o, x) in out.iter_mut().zip(&cols[i]) {
                *o = f(*x, c);
            }
        }
        (Operand::Const(c), Operand::Slot(j)) => {
            for (o, y) in out.iter_mut().zip(&cols[j]) {
                *o = f(c, *y);
            }
        }
        (Operand::Const(c), Operand::Const(d)) => out.fill(f(c, d)),
    }
}

impl Op {
    /// Evaluate this operation over the first `len` rows of the columns.
    pub fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        let mut out = std::mem::take(&mut cols[self.out]);
        let o = &mut out[..len];
        match self.kind {
            OpKind::Neg(a) => map1(o, a, cols, |x| -x),
            OpKind::Bin(BinOp::Add, a, b) => map2(o, a, b, cols, |x, y| x + y),
            OpKind::Bin(BinOp::Sub, a, b) => map2(o, a, b, cols, |x, y| x - y),
            OpKind::Bin(BinOp::Mul, a, b) => map2(o, a, b, cols, |x, y| x * y),
            OpKind::Bin(BinOp::Div, a, b) => map2(o, a, b, cols, |x, y| x / y),
            OpKind::Bin(BinOp::Pow, a, b) => map2(o, a, b, cols, f64::powf),
            OpKind::Call1(f, a) => map1(o, a, cols, |x| f.apply1(x)),
            OpKind::Call2(f, a, b) => map2(o, a, b, cols, |x, y| call2(f, x, y)),
        }
        cols[self.out] = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Tape, parse};

    fn eval(src: &str, vars: &[(&str, f64)]) -> f64 {
        let expr = parse(src).unwrap();
        let mut tape = Tape {
            slots: vars.len(),
            ..Tape::default()
        };
        let names: Vec<String> = vars.iter().map(|v| v.0.to_string()).collect();
        let out = tape
            .compile(&expr, &|name| names.iter().position(|v| v == name).map(Operand::Slot))
            .unwrap();
        let mut cols: Vec<Vec<f64>> = (0..tape.slots).map(|_| vec![0.0; 1]).collect();
        for (i, v) in vars.iter().enumerate() {
            cols[i][0] = v.1;
        }
        for op in &tape.ops {
            op.eval(&mut cols, 1);
        }
        match out {
            Operand::Const(c) => c,
            Operand::Slot(s) => cols[s][0],
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("1 + 2 * 3", &[]), 7.0);
        assert_eq!(eval("(1 + 2) * 3", &[]), 9.0);
        assert_eq!(eval("-2 ^ 2", &[]), -4.0);
        assert_eq!(eval("2 ^ 3 ^ 2", &[]), 512.0);
        assert_eq!(eval("8 / 4 / 2", &[]), 1.0);
        assert_eq!(eval("10 - 3 - 2", &[]), 5.0);
        assert_eq!(eval("2 ^ -1", &[]), 0.5);
        assert_eq!(eval("1.5e3 + 1_000", &[]), 2500.0);
        assert_eq!(eval("2.5E-1", &[]), 0.25);
    }

    #[test]
    fn names_and_functions() {
        let v = eval("a * (1 - b) + max(a, b) + pow(b, 2)", &[("a", 3.0), ("b", 0.5)]);
        assert_eq!(v, 3.0 * 0.5 + 3.0 + 0.25);
        assert!((eval("logistic(logit(x))", &[("x", 0.3)]) - 0.3).abs() < 1e-15);
        assert!((eval("norm_inv(norm_cdf(x))", &[("x", 1.2)]) - 1.2).abs() < 1e-12);
        assert!((eval("cos(pi)", &[]) + 1.0).abs() < 1e-15);
        assert_eq!(
            eval("log10(1000) + ln(exp(2)) + sqrt(16) + abs(-1) + min(1, 2)", &[]),
            3.0 + 2.0 + 4.0 + 1.0 + 1.0
        );
        assert!((eval("sin(pi / 2)", &[]) - 1.0).abs() < 1e-15);
    }
}
