//! Meson towers: the bundled PDG ρ and a₂ states, and your own towers from CSV
//! `spin,n,mass_GeV[,error_GeV]` (docs/physics.md §M.3). Every error names the line, the column
//! and the reason, and nothing is kept from a table with an error.

use crate::error::Error;
use crate::points::Table;
use crate::tr;
use serde::{Deserialize, Serialize};

/// One measured state: the n-th radial excitation (n = 0 the ground state) of spin S.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Spin S (1: ρ, 2: a₂).
    pub spin: u32,
    /// Radial excitation number.
    pub n: u32,
    /// Mass \[GeV\].
    pub mass: f64,
    /// Its error \[GeV\] (0 where none is given).
    pub error: f64,
}

/// The largest spin a table may hold: the barrier (4S² − 1)/4z² of higher spins is resolved by
/// the grid (docs/physics.md §M.2), and no tower above S = 6 is measured.
pub const MAX_SPIN: u32 = 6;
/// The most states in a table (a handful per tower is what is measured).
pub const MAX_STATES: usize = 40;
/// The highest radial excitation a table may hold.
pub const MAX_N: u32 = 8;

/// The PDG states the system trains on by default: the ρ tower ρ(770), ρ(1450), ρ(1700) and the
/// a₂ tower a₂(1320), a₂(1700), masses and errors in GeV.
///
/// Sources (docs/physics.md §M.3): ρ(770) 775.26 ± 0.25 MeV (PDG 2018, "our average"),
/// a₂(1700) 1706 ± 14 MeV (pdgLive). ρ(1450) 1465 ± 25, ρ(1700) 1720 ± 20 and
/// a₂(1320) 1318.2 ± 0.6 MeV are the PDG estimates as quoted by the public code of Arun and
/// Pal (rp-winter/NN-AdS-QCD, masses only): their errors are **unverified** here.
pub const PDG: [State; 5] = [
    State {
        spin: 1,
        n: 0,
        mass: 0.77526,
        error: 0.00025,
    },
    State {
        spin: 1,
        n: 1,
        mass: 1.465,
        error: 0.025,
    },
    State {
        spin: 1,
        n: 2,
        mass: 1.720,
        error: 0.020,
    },
    State {
        spin: 2,
        n: 0,
        mass: 1.3182,
        error: 0.0006,
    },
    State {
        spin: 2,
        n: 1,
        mass: 1.706,
        error: 0.014,
    },
];

/// States of a CSV table `spin,n,mass_GeV[,error_GeV]` (header names as given, any order; `#`
/// comments), checked by [`validate_states`].
pub fn parse_states(text: &str) -> Result<Vec<State>, Error> {
    let t = Table::read(text, &tr!("error.mesons.empty"))?;
    let need = ["spin", "n", "mass_gev"];
    let cols: Vec<usize> = need
        .iter()
        .map(|c| {
            t.col(c)
                .ok_or_else(|| t.header_error(tr!("error.mesons.header", header = t.header.trim())))
        })
        .collect::<Result<_, _>>()?;
    let err_col = t.col("error_gev");
    if let Some(extra) = t
        .names
        .iter()
        .position(|n| !need.contains(&n.as_str()) && n != "error_gev")
    {
        return Err(t.header_error(tr!("error.mesons.column", name = t.names[extra])));
    }
    if t.rows.len() > MAX_STATES {
        return Err(Error::table(tr!(
            "error.mesons.too_many",
            n = t.rows.len(),
            max = MAX_STATES
        )));
    }
    let mut out = Vec::with_capacity(t.rows.len());
    let mut lines = Vec::with_capacity(t.rows.len());
    for (ln, fields) in &t.rows {
        let whole = |i: usize, max: u32| -> Result<u32, Error> {
            let v = t.num(*ln, fields, i)?;
            if v.fract() != 0.0 || v < 0.0 || v > max as f64 {
                return Err(t.at(*ln, i, tr!("error.mesons.whole", got = v, max = max)));
            }
            Ok(v as u32)
        };
        let spin = whole(cols[0], MAX_SPIN)?;
        if spin == 0 {
            return Err(t.at(*ln, cols[0], tr!("error.mesons.spin0")));
        }
        let n = whole(cols[1], MAX_N)?;
        let mass = t.num(*ln, fields, cols[2])?;
        if mass <= 0.0 {
            return Err(t.at(*ln, cols[2], tr!("error.mesons.positive", got = mass)));
        }
        let error = match err_col {
            Some(i) => {
                let e = t.num(*ln, fields, i)?;
                if e < 0.0 {
                    return Err(t.at(*ln, i, tr!("error.mesons.error_negative", got = e)));
                }
                e
            }
            None => 0.0,
        };
        out.push(State {
            spin,
            n,
            mass,
            error,
        });
        lines.push(*ln);
    }
    validate_states(&out).map_err(|(k, e)| {
        let col = match e.1 {
            Field::Spin => cols[0],
            Field::N => cols[1],
            Field::Mass => cols[2],
        };
        t.at(lines[k], col, e.0)
    })?;
    Ok(out)
}

/// Which field of a state a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The spin.
    Spin,
    /// The excitation number.
    N,
    /// The mass.
    Mass,
}

/// Whether the states make towers: at least one state, no (spin, n) twice, every spin's n = 0
/// present, masses rising with n within a spin, finite positive masses and errors. The error
/// names the state (its index) and the field.
pub fn validate_states(states: &[State]) -> Result<(), (usize, (String, Field))> {
    if states.is_empty() {
        return Err((0, (tr!("error.mesons.empty"), Field::Mass)));
    }
    for (k, s) in states.iter().enumerate() {
        if !(s.mass.is_finite() && s.mass > 0.0) {
            return Err((k, (tr!("error.mesons.positive", got = s.mass), Field::Mass)));
        }
        if !(s.error.is_finite() && s.error >= 0.0) {
            return Err((
                k,
                (
                    tr!("error.mesons.error_negative", got = s.error),
                    Field::Mass,
                ),
            ));
        }
        if s.spin == 0 || s.spin > MAX_SPIN || s.n > MAX_N {
            return Err((k, (tr!("error.mesons.spin0"), Field::Spin)));
        }
        if states[..k].iter().any(|o| o.spin == s.spin && o.n == s.n) {
            return Err((
                k,
                (
                    tr!("error.mesons.duplicate", spin = s.spin, n = s.n),
                    Field::N,
                ),
            ));
        }
    }
    for (k, s) in states.iter().enumerate() {
        if !states.iter().any(|o| o.spin == s.spin && o.n == 0) {
            return Err((k, (tr!("error.mesons.no_ground", spin = s.spin), Field::N)));
        }
        if let Some(lower) = states
            .iter()
            .filter(|o| o.spin == s.spin && o.n < s.n)
            .max_by_key(|o| o.n)
        {
            if lower.mass >= s.mass {
                return Err((
                    k,
                    (
                        tr!(
                            "error.mesons.not_rising",
                            mass = s.mass,
                            n = s.n,
                            lower = lower.mass,
                            m = lower.n
                        ),
                        Field::Mass,
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The spins of a set of states, ascending, each once.
pub fn spins(states: &[State]) -> Vec<u32> {
    let mut s: Vec<u32> = states.iter().map(|s| s.spin).collect();
    s.sort_unstable();
    s.dedup();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdg_towers_are_valid_and_a_table_of_them_reads_back() {
        validate_states(&PDG).unwrap();
        let mut csv = String::from("# the bundled towers\nspin,n,mass_GeV,error_GeV\n");
        for s in PDG {
            csv += &format!("{},{},{},{}\n", s.spin, s.n, s.mass, s.error);
        }
        assert_eq!(parse_states(&csv).unwrap(), PDG);
        // Columns in another order, no errors.
        let s = parse_states("mass_GeV,n,spin\n0.8,0,1\n1.5,1,1").unwrap();
        assert_eq!((s[1].spin, s[1].n, s[1].mass, s[1].error), (1, 1, 1.5, 0.0));
    }

    #[test]
    fn bad_tables_name_the_line_and_the_column() {
        let e = |t: &str| parse_states(t).unwrap_err();
        let at = |t: &str| {
            let e = e(t);
            (e.line(), e.column(), e.to_string())
        };
        let (l, c, m) = at("spin,n,mass_GeV\n1,0,0.77\n1,1,nan");
        assert_eq!((l, c), (Some(3), Some(3)), "{m}");
        let (l, c, m) = at("spin,n,mass_GeV\n1,0,-0.77");
        assert_eq!((l, c), (Some(2), Some(3)), "{m}");
        let (l, c, m) = at("spin,n,mass_GeV\n1,0,0.77\n1,0,0.78");
        assert_eq!((l, c), (Some(3), Some(2)), "{m}");
        assert!(m.contains("twice"), "{m}");
        let (l, c, m) = at("spin,n,mass_GeV\n1,1,1.4\n1,2,1.7");
        assert_eq!((l, c), (Some(2), Some(2)), "no n = 0: {m}");
        let (l, c, m) = at("spin,n,mass_GeV\n1,0,0.77\n1,1,0.70");
        assert_eq!((l, c), (Some(3), Some(3)), "falling: {m}");
        let (l, c, m) = at("spin,n,mass_GeV\n1.5,0,0.77");
        assert_eq!((l, c), (Some(2), Some(1)), "{m}");
        let (l, c, m) = at("spin,n,mass_GeV\n0,0,0.5");
        assert_eq!((l, c), (Some(2), Some(1)), "{m}");
        let (l, c, m) = at("spin,n,mass_GeV,error_GeV\n1,0,0.77,-1");
        assert_eq!((l, c), (Some(2), Some(4)), "{m}");
        let (l, _, m) = at("spin,mass_GeV\n1,0.77");
        assert_eq!(l, Some(1), "{m}");
        let (l, _, m) = at("spin,n,mass_GeV,width\n1,0,0.77,0.1");
        assert_eq!(l, Some(1), "{m}");
        assert!(e("# nothing\n").to_string().contains("spin"));
    }
}
