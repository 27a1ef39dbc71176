//! What the v4 migration knows about npm packages, and reading the ones a file's
//! `package.json` declares.
//!
//! Owns: the version of `inngest` to move to, each `@inngest/*` package with the first
//! release that supports inngest 4 (or why there is none), the TypeScript inngest 4
//! asks for, the small version-range reading those need, and finding the nearest
//! `package.json` that declares a package. The sources are the packages' own changelogs
//! and manifests (docs/migrating-to-v4.md, "Dependencies", cites them). Does not own:
//! what is reported (the rules `v4-dependencies` and `v4-middleware-package`).

use std::path::{Path, PathBuf};

/// The `inngest` release the migration moves to: the one the e2e leg `v3-to-v4` runs the
/// migrated code on.
pub const INNGEST_TARGET: &str = "4.24.0";

/// inngest 4 declares the peer dependency `typescript >=5.8.0` (its package.json);
/// an older TypeScript makes `npm install` fail with ERESOLVE.
pub const TYPESCRIPT_MINIMUM: (u64, u64) = (5, 8);

/// The dependency sections of a `package.json` that the migration reads.
pub const SECTIONS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

/// What an `@inngest/*` package offers for inngest 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V4Support {
    /// The first release written for inngest 4 (its changelog: "Drop support for …
    /// SDK <4" / "Drop support for inngest SDK v3").
    From(&'static str),
    /// No release supports inngest 4: what to do instead.
    None(&'static str),
    /// Its content moved into `inngest`: what to do instead.
    Moved(&'static str),
}

/// An `@inngest/*` package whose v3-era releases do not work with inngest 4.
#[derive(Debug, Clone, Copy)]
pub struct Companion {
    /// The npm name.
    pub name: &'static str,
    /// What it offers for inngest 4.
    pub v4: V4Support,
}

/// The `@inngest/*` packages the migration knows (their changelogs in inngest/inngest-js,
/// `packages/*/CHANGELOG.md`). `@inngest/agent-kit` is absent on purpose: its peer range
/// `inngest >=3.43.1` admits inngest 4.
pub const COMPANIONS: &[Companion] = &[
    Companion {
        name: "@inngest/middleware-sentry",
        v4: V4Support::From("1.0.0"),
    },
    Companion {
        name: "@inngest/middleware-encryption",
        v4: V4Support::From("2.0.0"),
    },
    Companion {
        name: "@inngest/test",
        v4: V4Support::From("1.0.0"),
    },
    Companion {
        name: "@inngest/middleware-validation",
        v4: V4Support::None(
            "no release supports inngest 4 (the last, 0.0.5, requires inngest ^3.44.1): remove \
             it and validate in a v4 middleware of your own, or with the schemas of `eventType(…)`",
        ),
    },
    Companion {
        name: "@inngest/realtime",
        v4: V4Support::Moved(
            "deprecated since inngest 4.1.0, which has realtime built in: remove the dependency, \
             import from `inngest/realtime` (and `inngest/react` for the hooks), and drop \
             `realtimeMiddleware()` (v4 publishes without a middleware)",
        ),
    },
];

/// The companion package named `name`, if the migration knows it.
pub fn companion(name: &str) -> Option<&'static Companion> {
    COMPANIONS.iter().find(|c| c.name == name)
}

/// A version range of the simple shapes people write: `^3.16.0`, `~5.7`, `3.54.2`,
/// `^5`, `=1.2.3`, `v3.1.0`. Anything else (`>=3 <4`, `3.x`, `||`, tags, `workspace:`,
/// URLs) is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleRange {
    /// `^`, `~` or nothing: kept when the range is rewritten.
    pub prefix: &'static str,
    /// The lowest version the range admits: major, minor, patch (missing parts are 0).
    pub lowest: (u64, u64, u64),
}

impl SimpleRange {
    /// Read a range, or `None` when it is not of a simple shape.
    pub fn parse(range: &str) -> Option<SimpleRange> {
        let range = range.trim();
        let (prefix, rest) = if let Some(rest) = range.strip_prefix('^') {
            ("^", rest)
        } else if let Some(rest) = range.strip_prefix('~') {
            ("~", rest)
        } else {
            ("", range.strip_prefix('=').unwrap_or(range))
        };
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        // A prerelease or build suffix is kept out of the comparison.
        let core = rest.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let mut number = || -> Option<Option<u64>> {
            match parts.next() {
                None => Some(None),
                Some(part) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
                    part.parse().ok().map(Some)
                }
                Some(_) => None,
            }
        };
        let major = number()??;
        let minor = number()?.unwrap_or(0);
        let patch = number()?.unwrap_or(0);
        if parts.next().is_some() {
            return None;
        }
        Some(SimpleRange {
            prefix,
            lowest: (major, minor, patch),
        })
    }

    /// The same kind of range (same prefix) starting at `version`.
    pub fn moved_to(&self, version: &str) -> String {
        format!("{}{version}", self.prefix)
    }
}

/// The major version a range starts at, for the shapes [`SimpleRange`] does not read
/// but whose first number still says it (`>=3.16.0 <4`, `3.x`): `None` for `*`,
/// `latest`, `workspace:*`, a URL or several alternatives (`||`).
pub fn first_major(range: &str) -> Option<u64> {
    let range = range.trim();
    if range.contains("||") || range.contains(':') || range.contains('/') {
        return None;
    }
    let start = range.find(|c: char| c.is_ascii_digit())?;
    if !range[..start]
        .chars()
        .all(|c| matches!(c, '^' | '~' | '=' | '>' | 'v' | ' '))
    {
        return None;
    }
    let digits: String = range[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Where the nearest `package.json` above `file` that declares `package` says which
/// range it wants: that manifest's path and the range.
pub fn declared_range(file: &Path, package: &str) -> Option<(PathBuf, String)> {
    for directory in file.ancestors().skip(1) {
        let manifest = directory.join("package.json");
        // Recorded: the results cache must know the finding depends on the manifest.
        if let Some(range) = crate::analysis::consulted::read_to_string(&manifest)
            .and_then(|text| range_in_manifest(&text, package))
        {
            return Some((manifest, range));
        }
        // The repository's root ends the search.
        if directory.join(".git").exists() {
            break;
        }
    }
    None
}

/// The range a `package.json` text declares for `package`, in any dependency section.
pub fn range_in_manifest(text: &str, package: &str) -> Option<String> {
    let manifest: serde_json::Value = serde_json::from_str(text).ok()?;
    SECTIONS.iter().find_map(|section| {
        manifest
            .get(section)?
            .get(package)?
            .as_str()
            .map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_simple_ranges() {
        let caret = SimpleRange::parse("^3.16.0").unwrap();
        assert_eq!(caret.prefix, "^");
        assert_eq!(caret.lowest, (3, 16, 0));
        assert_eq!(caret.moved_to(INNGEST_TARGET), "^4.24.0");
        assert_eq!(SimpleRange::parse("~5.7").unwrap().lowest, (5, 7, 0));
        assert_eq!(SimpleRange::parse("^5").unwrap().lowest, (5, 0, 0));
        assert_eq!(SimpleRange::parse("3.54.2").unwrap().prefix, "");
        assert_eq!(
            SimpleRange::parse("4.0.0-beta.1").unwrap().lowest,
            (4, 0, 0)
        );
        for complex in [
            ">=3 <4",
            "3.x",
            "latest",
            "*",
            "workspace:*",
            "^3 || ^4",
            "",
        ] {
            assert_eq!(SimpleRange::parse(complex), None, "{complex}");
        }
    }

    #[test]
    fn first_major_of_other_ranges() {
        assert_eq!(first_major(">=3.16.0 <4"), Some(3));
        assert_eq!(first_major("3.x"), Some(3));
        assert_eq!(first_major("^3 || ^4"), None);
        assert_eq!(first_major("workspace:*"), None);
        assert_eq!(first_major("latest"), None);
        assert_eq!(first_major("<4"), None);
    }

    #[test]
    fn range_of_a_package_in_any_section() {
        let text = r#"{ "devDependencies": { "@inngest/test": "^0.1.6" } }"#;
        assert_eq!(
            range_in_manifest(text, "@inngest/test").as_deref(),
            Some("^0.1.6")
        );
        assert_eq!(range_in_manifest(text, "inngest"), None);
        assert_eq!(range_in_manifest("{ not json", "inngest"), None);
    }
}
