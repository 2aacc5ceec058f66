//! The recursive-descent parser (the grammar is in the module docs) and the
//! [`SyntaxError`] it returns, which names the character where parsing
//! stopped. The parser also enforces the limits on an expression's length
//! ([`MAX_CHARS`]) and nesting depth ([`MAX_DEPTH`]).

use super::{BinOp, Expr, FUNCTIONS};

/// The longest expression accepted, in characters. Real expressions are a
/// line or two; this bounds the work and memory of parsing whatever a file
/// holds.
pub const MAX_CHARS: usize = 10_000;

/// The deepest expression accepted: at most this many operators (unary
/// signs included), function calls and parentheses on the way from the whole
/// expression down to any one number or name. `a * (b + c)` has depth 3 (the
/// `*`, the parenthesis and the `+`); a sum of n terms has depth n − 1,
/// because `a + b + c` is `(a + b) + c`.
///
/// Parsing, listing names, compiling and dropping an expression all recurse
/// once per level, so without a limit a few thousand nested parentheses or
/// unary minuses overflow the stack and abort the process. Enforcing the
/// limit while parsing bounds all of them; 200 is far above any real
/// expression (split a longer one into `[derived]` values).
pub const MAX_DEPTH: usize = 200;

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
    let length = source.chars().count();
    if length > MAX_CHARS {
        return Err(SyntaxError {
            position: MAX_CHARS,
            message: format!(
                "the expression is {length} characters long; the limit is {MAX_CHARS}: split it into [derived] values"
            ),
        });
    }
    let chars: Vec<char> = source.chars().collect();
    let mut parser = Parser {
        chars,
        pos: 0,
        level: 0,
    };
    let (expr, _) = parser.expr()?;
    parser.skip_space();
    if parser.pos < parser.chars.len() {
        return Err(parser.error(format!("unexpected '{}'", parser.chars[parser.pos])));
    }
    Ok(expr)
}

/// An expression and its depth (see [`MAX_DEPTH`]).
type Parsed = (Expr, usize);

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// How many levels enclose the part being parsed (parentheses, calls,
    /// unary signs, exponents): checked on the way down, so that a deep
    /// nesting is refused before the recursion gets deep.
    level: usize,
}

impl Parser {
    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            position: self.pos,
            message,
        }
    }

    fn too_deep(&self) -> SyntaxError {
        self.error(format!(
            "the expression is nested more than {MAX_DEPTH} levels deep (operators, function calls and parentheses, and a sum or product of n terms counts n − 1): split it into [derived] values"
        ))
    }

    /// Enter one level of nesting, just after the one-character token that
    /// opens it (`(`, a sign or `^`), refusing to go past [`MAX_DEPTH`]; the
    /// error points at that token.
    fn descend(&mut self) -> Result<(), SyntaxError> {
        self.level += 1;
        if self.level > MAX_DEPTH {
            self.pos -= 1;
            return Err(self.too_deep());
        }
        Ok(())
    }

    /// A node one level above its deepest child, checked against [`MAX_DEPTH`].
    fn node(&self, expr: Expr, child_depth: usize) -> Result<Parsed, SyntaxError> {
        let depth = child_depth + 1;
        if self.level + depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok((expr, depth))
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

    fn expr(&mut self) -> Result<Parsed, SyntaxError> {
        let (mut left, mut depth) = self.term()?;
        loop {
            let op = match self.peek() {
                Some('+') => BinOp::Add,
                Some('-') => BinOp::Sub,
                _ => return Ok((left, depth)),
            };
            self.pos += 1;
            let (right, right_depth) = self.term()?;
            (left, depth) = self.node(Expr::Bin(op, Box::new(left), Box::new(right)), depth.max(right_depth))?;
        }
    }

    fn term(&mut self) -> Result<Parsed, SyntaxError> {
        let (mut left, mut depth) = self.unary()?;
        loop {
            let op = match self.peek() {
                Some('*') => BinOp::Mul,
                Some('/') => BinOp::Div,
                _ => return Ok((left, depth)),
            };
            self.pos += 1;
            let (right, right_depth) = self.unary()?;
            (left, depth) = self.node(Expr::Bin(op, Box::new(left), Box::new(right)), depth.max(right_depth))?;
        }
    }

    fn unary(&mut self) -> Result<Parsed, SyntaxError> {
        if self.eat('-') {
            self.descend()?;
            let (inner, depth) = self.unary()?;
            self.level -= 1;
            return self.node(Expr::Neg(Box::new(inner)), depth);
        }
        if self.eat('+') {
            // `+x` is x, but it is a level all the same: `+ + + … x`
            // recurses once per sign.
            self.descend()?;
            let (inner, depth) = self.unary()?;
            self.level -= 1;
            return self.node(inner, depth);
        }
        self.power()
    }

    fn power(&mut self) -> Result<Parsed, SyntaxError> {
        let (base, base_depth) = self.atom()?;
        if self.eat('^') {
            self.descend()?;
            let (exponent, exponent_depth) = self.unary()?;
            self.level -= 1;
            return self.node(
                Expr::Bin(BinOp::Pow, Box::new(base), Box::new(exponent)),
                base_depth.max(exponent_depth),
            );
        }
        Ok((base, base_depth))
    }

    fn atom(&mut self) -> Result<Parsed, SyntaxError> {
        match self.peek() {
            None => Err(self.error("unexpected end of expression".into())),
            Some('(') => {
                self.pos += 1;
                self.descend()?;
                let (inner, depth) = self.expr()?;
                if !self.eat(')') {
                    return Err(self.error("expected ')'".into()));
                }
                self.level -= 1;
                // A parenthesis is a level of its own: it is a level of the
                // parser's recursion even though it adds no node.
                self.node(inner, depth)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => Ok((self.number()?, 0)),
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

    fn name_or_call(&mut self) -> Result<Parsed, SyntaxError> {
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
                return Ok((Expr::Num(std::f64::consts::PI), 0));
            }
            return Ok((Expr::Name(name), 0));
        }
        let Some(&(_, func, arity)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
            return Err(SyntaxError {
                position: start,
                message: format!("unknown function '{name}' (known: {})", known.join(", ")),
            });
        };
        self.pos += 1; // the '('
        self.descend()?;
        let (first, mut depth) = self.expr()?;
        let mut args = vec![first];
        while self.eat(',') {
            let (arg, arg_depth) = self.expr()?;
            args.push(arg);
            depth = depth.max(arg_depth);
        }
        if !self.eat(')') {
            return Err(self.error("expected ',' or ')'".into()));
        }
        self.level -= 1;
        if args.len() != arity {
            return Err(SyntaxError {
                position: start,
                message: format!("{name} takes {arity} argument(s), got {}", args.len()),
            });
        }
        self.node(Expr::Call(func, args), depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn depth_and_length_are_limited() {
        let parens = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&parens(MAX_DEPTH)).is_ok());
        let e = parse(&parens(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.message.contains("nested more than 200 levels"), "{e}");
        assert_eq!(e.position, MAX_DEPTH, "refused on the way down, at the 201st '('");
        // A flat sum is a left-leaning tree: n terms are n − 1 levels.
        let sum = |n: usize| vec!["x"; n].join(" + ");
        assert!(parse(&sum(MAX_DEPTH + 1)).is_ok());
        assert!(parse(&sum(MAX_DEPTH + 2)).is_err());
        // Levels of different kinds add up.
        let mixed = format!("-{}", parens(MAX_DEPTH - 1));
        assert!(parse(&mixed).is_ok());
        assert!(parse(&format!("-{mixed}")).is_err());
        assert!(parse(&"1".repeat(MAX_CHARS)).is_ok());
        assert!(
            parse(&"1".repeat(MAX_CHARS + 1))
                .unwrap_err()
                .message
                .contains("characters long")
        );
    }
}
