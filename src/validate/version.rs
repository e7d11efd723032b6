//! Istio releases, for gating fields and rules that exist only in some of them.

use std::fmt;
use std::str::FromStr;

/// A minor release such as 1.30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IstioVersion {
    pub major: u32,
    pub minor: u32,
}

impl IstioVersion {
    pub const fn new(major: u32, minor: u32) -> IstioVersion {
        IstioVersion { major, minor }
    }

    /// The latest GA release: the default.
    pub const LATEST_GA: IstioVersion = IstioVersion::new(1, 30);
    /// Master, which `istio/spec.md` and `istio/validation.md` describe.
    pub const MASTER: IstioVersion = IstioVersion::new(1, 31);
    /// Oldest release the tool knows rules for.
    pub const OLDEST: IstioVersion = IstioVersion::new(1, 20);

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        self >= IstioVersion::new(major, minor)
    }
}

impl Default for IstioVersion {
    fn default() -> Self {
        IstioVersion::LATEST_GA
    }
}

impl fmt::Display for IstioVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for IstioVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid Istio version {s:?}: expected MAJOR.MINOR such as 1.30");
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        // A patch number is accepted and ignored.
        if let Some(p) = parts.next()
            && p.parse::<u32>().is_err()
        {
            return Err(bad());
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        let v = IstioVersion { major, minor };
        if v > IstioVersion::MASTER {
            return Err(format!(
                "Istio {v} is not known; the newest is {} (master)",
                IstioVersion::MASTER
            ));
        }
        if v < IstioVersion::OLDEST {
            return Err(format!(
                "Istio {v} is too old; the oldest supported is {}",
                IstioVersion::OLDEST
            ));
        }
        Ok(v)
    }
}
