//! Compiling an [`Expr`] into a column program: a [`Tape`] of [`Op`]s, each
//! writing one column from [`Operand`]s (columns or constants). Names are
//! resolved by the caller; operations whose inputs are all constant are
//! folded at compile time, with the same arithmetic as evaluation.

use super::eval::{binary, call2};
use super::{BinOp, Expr, Func};

/// A value in a column program: a column (slot) or a constant folded at
/// compile time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// Column number in the workspace.
    Slot(usize),
    /// A constant, the same for every iteration.
    Const(f64),
}

/// One column operation: `out[i] = kind(inputs[i])` for every row of a chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// The column written.
    pub out: usize,
    /// What is computed.
    pub kind: OpKind,
}

/// The operations of a compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    /// −a
    Neg(Operand),
    /// a ∘ b
    Bin(BinOp, Operand, Operand),
    /// f(a)
    Call1(Func, Operand),
    /// f(a, b)
    Call2(Func, Operand, Operand),
}

/// A growing column program: compiles expressions to `Op`s, folding
/// constants, and hands out column numbers.
#[derive(Debug, Default, Clone)]
pub struct Tape {
    /// Operations in evaluation order.
    pub ops: Vec<Op>,
    /// Number of columns allocated so far.
    pub slots: usize,
}

impl Tape {
    /// Allocate a fresh column.
    pub fn new_slot(&mut self) -> usize {
        self.slots += 1;
        self.slots - 1
    }

    /// Compile `expr`, resolving names with `resolve`. Returns the operand
    /// holding the result, or the first name `resolve` does not know.
    pub fn compile(&mut self, expr: &Expr, resolve: &dyn Fn(&str) -> Option<Operand>) -> Result<Operand, String> {
        Ok(match expr {
            Expr::Num(v) => Operand::Const(*v),
            Expr::Name(n) => resolve(n).ok_or_else(|| n.clone())?,
            Expr::Neg(e) => {
                let a = self.compile(e, resolve)?;
                self.push(OpKind::Neg(a))
            }
            Expr::Bin(op, a, b) => {
                let a = self.compile(a, resolve)?;
                let b = self.compile(b, resolve)?;
                self.push(OpKind::Bin(*op, a, b))
            }
            Expr::Call(f, args) => {
                let a = self.compile(&args[0], resolve)?;
                if args.len() == 1 {
                    self.push(OpKind::Call1(*f, a))
                } else {
                    let b = self.compile(&args[1], resolve)?;
                    self.push(OpKind::Call2(*f, a, b))
                }
            }
        })
    }

    /// Append `kind`, or fold it to a constant when all inputs are constant.
    pub fn push(&mut self, kind: OpKind) -> Operand {
        if let Some(v) = kind.fold() {
            return Operand::Const(v);
        }
        let out = self.new_slot();
        self.ops.push(Op { out, kind });
        Operand::Slot(out)
    }

    /// `a × b`, folding constants and skipping a multiplication by one.
    pub fn mul(&mut self, a: Operand, b: Operand) -> Operand {
        match (a, b) {
            (Operand::Const(x), other) | (other, Operand::Const(x)) if x == 1.0 => other,
            _ => self.push(OpKind::Bin(BinOp::Mul, a, b)),
        }
    }
}

impl OpKind {
    fn fold(&self) -> Option<f64> {
        use Operand::Const;
        match *self {
            OpKind::Neg(Const(a)) => Some(-a),
            OpKind::Bin(op, Const(a), Const(b)) => Some(binary(op, a, b)),
            OpKind::Call1(f, Const(a)) => Some(f.apply1(a)),
            OpKind::Call2(f, Const(a), Const(b)) => Some(call2(f, a, b)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    #[test]
    fn constants_are_folded() {
        let expr = parse("2 * 3 + x").unwrap();
        let mut tape = Tape {
            slots: 1,
            ..Tape::default()
        };
        tape.compile(&expr, &|_| Some(Operand::Slot(0))).unwrap();
        assert_eq!(tape.ops.len(), 1, "2*3 must fold into one constant");
    }

    #[test]
    fn unknown_name_is_reported() {
        let mut tape = Tape::default();
        let err = tape.compile(&parse("a + zz").unwrap(), &|n| {
            (n == "a").then_some(Operand::Const(1.0))
        });
        assert_eq!(err, Err("zz".to_string()));
    }
}
