//! Cron expressions as the Inngest engine validates them when an app syncs.
//!
//! The engine (`pkg/inngest/trigger.go`, `CronTrigger.Validate`) parses a cron trigger
//! with `robfig/cron/v3`'s `NewParser(Minute | Hour | Dom | Month | Dow)`: exactly five
//! fields (no seconds field, no `@daily`/`@every` descriptors: that parser is built
//! without `Descriptor`), an optional `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix, and in each
//! field a comma-separated list of `*`/`?`, `N`, `N-M`, each with an optional `/step`;
//! month and weekday names (`jan`…`dec`, `sun`…`sat`, any case). This module follows
//! that parser (`vendor/github.com/robfig/cron/v3/parser.go`) line for line.
//!
//! Owns: [`check`]. Does not own: time zones beyond their shape (the engine loads them
//! from the IANA database; a zone name of the right shape is taken as valid).

/// One field's bounds and names.
struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MONTHS: &[(&str, u32)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

const DAYS: &[(&str, u32)] = &[
    ("sun", 0),
    ("mon", 1),
    ("tue", 2),
    ("wed", 3),
    ("thu", 4),
    ("fri", 5),
    ("sat", 6),
];

const FIELDS: [(&str, Bounds); 5] = [
    (
        "minute",
        Bounds {
            min: 0,
            max: 59,
            names: &[],
        },
    ),
    (
        "hour",
        Bounds {
            min: 0,
            max: 23,
            names: &[],
        },
    ),
    (
        "day of month",
        Bounds {
            min: 1,
            max: 31,
            names: &[],
        },
    ),
    (
        "month",
        Bounds {
            min: 1,
            max: 12,
            names: MONTHS,
        },
    ),
    (
        "day of week",
        Bounds {
            min: 0,
            max: 6,
            names: DAYS,
        },
    ),
];

/// `Ok(())` when the engine accepts `spec`, else why not (one phrase).
pub fn check(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("the expression is empty".to_string());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // robfig takes the zone up to the first space (no space: the engine's parser
        // slices out of range and the sync fails).
        let Some(space) = spec.find(' ') else {
            return Err("a time zone prefix must be followed by a space and the schedule".into());
        };
        let equals = spec.find('=').unwrap_or(0);
        let zone = &spec[equals + 1..space];
        if !is_zone_shaped(zone) {
            return Err(format!("`{zone}` is not a time zone name"));
        }
        spec = spec[space..].trim();
    }
    if spec.starts_with('@') {
        return Err(format!(
            "the engine's cron parser takes no descriptors such as `{}`: write the five fields",
            spec.split_whitespace().next().unwrap_or(spec)
        ));
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        let hint = if fields.len() == 6 {
            " (the engine has no seconds field)"
        } else {
            ""
        };
        return Err(format!(
            "expected exactly 5 fields, found {}{hint}",
            fields.len()
        ));
    }
    for (field, (name, bounds)) in fields.iter().zip(FIELDS.iter()) {
        for range in field.split(',').filter(|r| !r.is_empty()) {
            check_range(range, bounds).map_err(|reason| format!("{name} `{field}`: {reason}"))?;
        }
    }
    Ok(())
}

/// robfig's `getRange`.
fn check_range(expr: &str, bounds: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (bounds.min, bounds.max)
    } else {
        let start = int_or_name(low_and_high[0], bounds)?;
        let end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], bounds)?,
            _ => return Err(format!("too many hyphens in `{expr}`")),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = int(range_and_step[1])?;
            if single {
                end = bounds.max;
            }
            step
        }
        _ => return Err(format!("too many slashes in `{expr}`")),
    };
    if start < bounds.min {
        return Err(format!("{start} is below the minimum {}", bounds.min));
    }
    if end > bounds.max {
        return Err(format!("{end} is above the maximum {}", bounds.max));
    }
    if start > end {
        return Err(format!("the range starts after it ends ({start} > {end})"));
    }
    if step == 0 {
        return Err("a step must be a positive number".to_string());
    }
    Ok(())
}

fn int_or_name(expr: &str, bounds: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some((_, value)) = bounds.names.iter().find(|(name, _)| *name == lower) {
        return Ok(*value);
    }
    int(expr)
}

/// Go's `strconv.Atoi` (an optional sign, decimal digits), negatives refused.
fn int(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix('+').unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{expr}` is not a number"));
    }
    digits
        .parse::<u64>()
        .map(|n| n.min(u64::from(u32::MAX)) as u32)
        .map_err(|_| format!("`{expr}` is not a number"))
}

/// `UTC`, `Local`, `America/New_York`, `Etc/GMT+5`: the shape of an IANA zone name.
fn is_zone_shaped(zone: &str) -> bool {
    !zone.is_empty()
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
        && zone.as_bytes()[0].is_ascii_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn what_the_engine_accepts() {
        for ok in [
            "* * * * *",
            "0 0 * * *",
            "*/5 * * * *",
            "0 9-17 * * mon-fri",
            "0 0 1 JAN,jul ?",
            "5/15 * * * *",
            "TZ=Europe/Paris 0 9 * * *",
            "CRON_TZ=UTC 0 0 * * 0",
            "0 0 31 12 6",
            "  0   0 * * *  ",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "* * * *",
            "0 * * * * *",
            "@daily",
            "@every 5m",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "1-2-3 * * * *",
            "*/5/2 * * * *",
            "L * * * *",
            "* * * * mon#2",
            "TZ=Europe/Paris",
            "0 0 * * * UTC",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
