//! Colours (only when asked for) and word wrapping.

/// ANSI styling, switched off entirely when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// A style that colours only if `color`.
    pub fn new(color: bool) -> Style {
        Style { color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Success.
    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Failure.
    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Something to look at.
    pub fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Emphasis.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Less important.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// Wraps `text` at `width` columns, every line starting with `indent`. Existing line breaks
/// are kept; long words are not split.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.lines() {
        let mut line = String::from(indent);
        let mut empty = true;
        for word in paragraph.split_whitespace() {
            if !empty && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `1 check`, `3 checks`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Seconds with a unit a person reads at a glance: `12 ms`, `1.40 s`, `2 min 5 s`.
pub fn human(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_under_the_width_with_indent() {
        assert_eq!(wrap("aaa bbb ccc ddd", 9, "  "), "  aaa bbb\n  ccc ddd\n");
        assert_eq!(wrap("one\ntwo", 80, "> "), "> one\n> two\n");
    }

    #[test]
    fn no_colour_means_no_escape_codes() {
        assert_eq!(Style::new(false).bad("x"), "x");
        assert_eq!(Style::new(true).bad("x"), "\x1b[31mx\x1b[0m");
    }
}
