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

use crate::special::{norm_cdf, norm_inv};

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

impl Func {
    fn apply1(self, x: f64) -> f64 {
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

/// A syntax error, with the 0-based character position in the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Character offset where the problem was found.
    pub position: usize,
    /// What was expected.
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position + 1)
    }
}

/// Parse an expression.
///
/// ```
/// use cradle::expr::{parse, Expr};
/// let e = parse("secure_uplift * excess_risk").unwrap();
/// assert_eq!(e.names(), vec!["secure_uplift".to_string(), "excess_risk".to_string()]);
/// assert_eq!(parse("2 ^ 3 ^ 2").unwrap().constant_value(), Some(512.0));
/// ```
pub fn parse(source: &str) -> Result<Expr, SyntaxError> {
    let chars: Vec<char> = source.chars().collect();
    let mut parser = Parser { chars, pos: 0 };
    let expr = parser.expr()?;
    parser.skip_space();
    if parser.pos < parser.chars.len() {
        return Err(parser.error(format!("unexpected '{}'", parser.chars[parser.pos])));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            position: self.pos,
            message,
        }
    }

    fn skip_space(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek() {
                Some('+') => BinOp::Add,
                Some('-') => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
    }

    fn term(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some('*') => BinOp::Mul,
                Some('/') => BinOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        if self.eat('+') {
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, SyntaxError> {
        let base = self.atom()?;
        if self.eat('^') {
            let exponent = self.unary()?;
            return Ok(Expr::Bin(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek() {
            None => Err(self.error("unexpected end of expression".into())),
            Some('(') => {
                self.pos += 1;
                let inner = self.expr()?;
                if !self.eat(')') {
                    return Err(self.error("expected ')'".into()));
                }
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => self.name_or_call(),
            Some(c) => Err(self.error(format!("unexpected '{c}'"))),
        }
    }

    fn number(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        let mut text = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            let after_exponent = matches!(text.chars().last(), Some('e' | 'E'));
            if c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || (after_exponent && (c == '+' || c == '-')) {
                text.push(c);
            } else if c != '_' {
                break;
            }
            self.pos += 1;
        }
        text.parse::<f64>().map(Expr::Num).map_err(|_| SyntaxError {
            position: start,
            message: format!("'{text}' is not a number"),
        })
    }

    fn name_or_call(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        let mut name = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            if c.is_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.peek() != Some('(') {
            if name == "pi" {
                return Ok(Expr::Num(std::f64::consts::PI));
            }
            return Ok(Expr::Name(name));
        }
        let Some(&(_, func, arity)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
            return Err(SyntaxError {
                position: start,
                message: format!("unknown function '{name}' (known: {})", known.join(", ")),
            });
        };
        self.pos += 1; // the '('
        let mut args = vec![self.expr()?];
        while self.eat(',') {
            args.push(self.expr()?);
        }
        if !self.eat(')') {
            return Err(self.error("expected ',' or ')'".into()));
        }
        if args.len() != arity {
            return Err(SyntaxError {
                position: start,
                message: format!("{name} takes {arity} argument(s), got {}", args.len()),
            });
        }
        Ok(Expr::Call(func, args))
    }
}

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

fn binary(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Pow => a.powf(b),
    }
}

fn call2(f: Func, a: f64, b: f64) -> f64 {
    match f {
        Func::Min => a.min(b),
        Func::Max => a.max(b),
        _ => a.powf(b),
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
    fn syntax_errors_name_the_position() {
        let e = parse("a + * b").unwrap_err();
        assert_eq!(e.position, 4);
        assert!(parse("(a + b").unwrap_err().message.contains("')'"));
        assert!(parse("foo(1)").unwrap_err().message.contains("unknown function 'foo'"));
        assert!(parse("min(1)").unwrap_err().message.contains("takes 2"));
        assert!(parse("a b").unwrap_err().message.contains("unexpected 'b'"));
        assert!(parse("").is_err());
        assert!(parse("1..2").unwrap_err().message.contains("not a number"));
    }

    #[test]
    fn unknown_name_is_reported() {
        let mut tape = Tape::default();
        let err = tape.compile(&parse("a + zz").unwrap(), &|n| {
            (n == "a").then_some(Operand::Const(1.0))
        });
        assert_eq!(err, Err("zz".to_string()));
    }

    #[test]
    fn names_are_listed_once_in_order() {
        assert_eq!(parse("b * a + b").unwrap().names(), vec!["b", "a"]);
    }
}
