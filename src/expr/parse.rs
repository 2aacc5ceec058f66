//! The recursive-descent parser (the grammar is in the module docs) and the
//! [`SyntaxError`] it returns, which names the character where parsing
//! stopped.

use super::{BinOp, Expr, FUNCTIONS};

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
}
