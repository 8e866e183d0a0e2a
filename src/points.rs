//! Data points from CSV text: the two inputs a system names (`m_q,condensate[,label]` in GeV,
//! GeV³ for QCD, `phi,pi[,label]` for the field systems), and measured condensates. Every error
//! names the line, the column and the reason.

use crate::error::Error;
use crate::physics::Sample;
use crate::tr;

/// A CSV table: comment lines (`#`) and blank lines skipped, a header of lower-cased names, and
/// rows that each have as many fields as the header. Shared by both readers so that they report
/// problems in the same words.
pub(crate) struct Table<'a> {
    pub(crate) header_line: usize,
    pub(crate) header: &'a str,
    pub(crate) names: Vec<String>,
    pub(crate) rows: Vec<(usize, Vec<&'a str>)>,
}

impl<'a> Table<'a> {
    /// Split `text`; `empty` is the message for a text without a header.
    pub(crate) fn read(text: &'a str, empty: &str) -> Result<Table<'a>, Error> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let (hline, header) = lines.next().ok_or_else(|| Error::table(empty))?;
        let names: Vec<String> = header
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .collect();
        let mut rows = Vec::new();
        for (ln, line) in lines {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != names.len() {
                return Err(Error::csv(
                    ln + 1,
                    None,
                    tr!("error.fields", n = fields.len(), header = names.len()),
                ));
            }
            rows.push((ln + 1, fields));
        }
        Ok(Table {
            header_line: hline + 1,
            header,
            names,
            rows,
        })
    }

    /// Index of a column by name.
    pub(crate) fn col(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|c| c == name)
    }

    /// Field `i` of a row as a finite number, or an error naming line, column and value.
    pub(crate) fn num(&self, line_no: usize, fields: &[&str], i: usize) -> Result<f64, Error> {
        match fields[i].parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.at(
                line_no,
                i,
                tr!(
                    "error.not_a_number",
                    value = fields[i].chars().take(30).collect::<String>()
                ),
            )),
        }
    }

    /// An error at a line and column `i` (0-based) of this table.
    pub(crate) fn at(&self, line_no: usize, i: usize, reason: impl Into<String>) -> Error {
        Error::csv(line_no, Some((i + 1, &self.names[i])), reason)
    }

    /// An error about the header line.
    pub(crate) fn header_error(&self, reason: impl Into<String>) -> Error {
        Error::csv(self.header_line, None, reason)
    }
}

/// Parse CSV text with a header naming the system's two input columns `cols`
/// ([`crate::systems::ProbeSystem::input_columns`]). A missing label means 0 (a positive, measured point).
pub fn parse_csv(text: &str, cols: [&str; 2]) -> Result<Vec<Sample>, Error> {
    let t = Table::read(
        text,
        "no header line (expected e.g. 'm_q,condensate,label')",
    )?;
    let mut idx = [0; 2];
    for (slot, c) in idx.iter_mut().zip(cols) {
        *slot = t.col(c).ok_or_else(|| {
            t.header_error(format!(
                "header has no column '{c}' (expected {},{}[,label])",
                cols[0], cols[1]
            ))
        })?;
    }
    let label_idx = t.col("label");
    let mut out = Vec::new();
    for (line_no, fields) in &t.rows {
        let y = match label_idx {
            Some(i) => {
                let v = t.num(*line_no, fields, i)?;
                if v != 0.0 && v != 1.0 {
                    return Err(t.at(*line_no, i, format!("{v} is not 0 or 1")));
                }
                v
            }
            None => 0.0,
        };
        out.push(Sample {
            x: [
                t.num(*line_no, fields, idx[0])?,
                t.num(*line_no, fields, idx[1])?,
            ],
            y,
        });
    }
    if out.is_empty() {
        return Err(Error::table(tr!("error.no_rows")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_labels() {
        let s = parse_csv(
            "m_q,condensate\n0.001,0.01\n0.002, 0.02\n",
            ["m_q", "condensate"],
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].x, [0.002, 0.02]);
        let s = parse_csv("pi,phi,label\n# comment\n0.1,1.0,1\n", ["phi", "pi"]).unwrap();
        assert_eq!(s[0].x, [1.0, 0.1]);
        assert_eq!(s[0].y, 1.0);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_csv(
            "m_q,condensate\n0.001,0.01\n0.002,abc\n",
            ["m_q", "condensate"],
        )
        .unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(3), Some(2)), "{e}");
        assert!(e.to_string().contains("abc"), "{e}");
        let e = parse_csv("x,y\n1,2\n", ["m_q", "condensate"]).unwrap_err();
        assert!(e.to_string().contains("m_q"), "{e}");
        let e = parse_csv("m_q,condensate,label\n1,2,5\n", ["m_q", "condensate"]).unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(2), Some(3)), "{e}");
        assert!(e.to_string().contains("label"), "{e}");
        let e = parse_csv("m_q,condensate\n1,2,3\n", ["m_q", "condensate"]).unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(2), None), "{e}");
        assert!(parse_csv("", ["m_q", "condensate"]).is_err());
        assert!(parse_csv("m_q,condensate\n", ["m_q", "condensate"]).is_err());
    }
}

/// A measured chiral-condensate point in physical units.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Measured {
    /// Quark mass m_q \[GeV\].
    pub m_q: f64,
    /// Condensate ⟨q̄q⟩ \[GeV³\].
    pub condensate: f64,
    /// Its error \[GeV³\] (0 when not given).
    #[serde(default)]
    pub error: f64,
}

/// Units of an uploaded table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Units {
    /// m_q in GeV, ⟨q̄q⟩ and its error in GeV³.
    Physical,
    /// a·m_q and a³⟨ψ̄ψ⟩, converted with the inverse lattice spacing 1/a \[GeV\].
    Lattice {
        /// 1/a in GeV.
        inv_a_gev: f64,
    },
}

/// At most this many measured points (a cubic is fitted to them; more adds nothing but cost).
pub const MAX_MEASURED: usize = 1000;
/// Largest plausible quark mass \[GeV\] and condensate \[GeV³\]; beyond, the units are surely wrong.
pub const ABSURD: [f64; 2] = [2.0, 2.0];

/// Parse a table of measurements: a header with `m_q` and `condensate` (and optionally `error`),
/// then one point per line. Every rejection names the line, the column and the reason.
pub fn parse_measurements(text: &str, units: Units) -> Result<Vec<Measured>, Error> {
    let scale = match units {
        Units::Physical => 1.0,
        Units::Lattice { inv_a_gev }
            if inv_a_gev.is_finite() && inv_a_gev > 0.0 && inv_a_gev < 100.0 =>
        {
            inv_a_gev
        }
        Units::Lattice { inv_a_gev } => {
            return Err(Error::key("1/a", tr!("error.inv_a", value = inv_a_gev)))
        }
    };
    let t = Table::read(text, crate::i18n::t("error.data_empty"))?;
    let (im, ic) = match (t.col("m_q"), t.col("condensate")) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(t.header_error(tr!("error.data_header", got = t.header.trim()))),
    };
    let ie = t.col("error");
    // Too many rows is said before any is read (a 10⁶-line file once took minutes).
    check_not_too_many(t.rows.len())?;
    let mut out: Vec<(usize, Measured)> = Vec::new();
    // Masses seen, by their bits: the duplicate check is one lookup, not a scan.
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for (line_no, fields) in &t.rows {
        let line_no = *line_no;
        let num = |i: usize| t.num(line_no, fields, i);
        let (m, c) = (num(im)?, num(ic)?);
        let e = ie.map(num).transpose()?.unwrap_or(0.0);
        for (i, v, what) in [
            (im, m, "error.negative_mass"),
            (ic, c, "error.negative_condensate"),
            (ie.unwrap_or(0), e, "error.negative_error"),
        ] {
            if v < 0.0 {
                let why = crate::i18n::fill(crate::i18n::t(what), &[("value", &v)]);
                return Err(t.at(line_no, i, why));
            }
        }
        let p = Measured {
            m_q: m * scale,
            condensate: c * scale.powi(3),
            error: e * scale.powi(3),
        };
        // +0.0 for −0.0, so the two zeros are one mass as `==` has it.
        if let Some(prev) = seen.insert((p.m_q + 0.0).to_bits(), line_no) {
            return Err(t.at(line_no, im, tr!("error.duplicate_line", m = m, line = prev)));
        }
        if p.m_q > ABSURD[0] || p.condensate > ABSURD[1] {
            return Err(Error::csv(
                line_no,
                None,
                tr!(
                    "error.absurd_data",
                    m = format!("{:.4}", p.m_q),
                    c = format!("{:.4}", p.condensate),
                    max_m = ABSURD[0],
                    max_c = ABSURD[1]
                ),
            ));
        }
        out.push((line_no, p));
    }
    let pts: Vec<Measured> = out.into_iter().map(|(_, p)| p).collect();
    validate_measurements(&pts)?;
    Ok(pts)
}

/// At most [`MAX_MEASURED`] points.
fn check_not_too_many(n: usize) -> Result<(), Error> {
    if n > MAX_MEASURED {
        return Err(Error::whole(tr!(
            "error.too_many",
            n = n,
            max = MAX_MEASURED
        )));
    }
    Ok(())
}

/// The rules every set of measured points obeys, wherever it came from (CSV, URL, model file).
pub fn validate_measurements(pts: &[Measured]) -> Result<(), Error> {
    if pts.len() < 4 {
        return Err(Error::whole(tr!("error.too_few_data", n = pts.len())));
    }
    check_not_too_many(pts.len())?;
    for (k, p) in pts.iter().enumerate() {
        let ok = |v: f64, hi: f64| v.is_finite() && (0.0..=hi).contains(&v);
        if !(ok(p.m_q, ABSURD[0]) && ok(p.condensate, ABSURD[1]) && ok(p.error, ABSURD[1])) {
            return Err(Error::point(
                k + 1,
                tr!("error.data_range", m = p.m_q, c = p.condensate, e = p.error),
            ));
        }
        if pts[..k].iter().any(|q| q.m_q == p.m_q) {
            return Err(Error::point(k + 1, tr!("error.duplicate", m = p.m_q)));
        }
    }
    let mut ms: Vec<f64> = pts.iter().map(|p| p.m_q).collect();
    ms.sort_by(f64::total_cmp);
    if ms[ms.len() - 1] <= 0.0 || pts.iter().all(|p| p.condensate == 0.0) {
        return Err(Error::whole(tr!("error.no_span")));
    }
    Ok(())
}

#[cfg(test)]
mod measured_tests {
    use super::*;

    /// Big tables cost time in proportion to their size, not its square: 10⁵ lines are refused
    /// at once by their count, and the full 1000 rows are checked for duplicates by lookup.
    #[test]
    fn big_tables_are_refused_or_read_in_linear_time() {
        let rows = |n: usize| {
            let mut t = String::from("m_q,condensate\n");
            for k in 0..n {
                t.push_str(&format!(
                    "{},{}\n",
                    1e-6 * (k + 1) as f64,
                    1e-4 * (k + 1) as f64
                ));
            }
            t
        };
        let clock = std::time::Instant::now();
        let e = parse_measurements(&rows(100_000), Units::Physical).unwrap_err();
        assert!(e.to_string().contains("100000"), "{e}");
        assert_eq!(
            parse_measurements(&rows(1000), Units::Physical)
                .unwrap()
                .len(),
            1000
        );
        let mut dup = rows(999);
        dup.push_str("0.000001,0.5\n");
        let e = parse_measurements(&dup, Units::Physical).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(clock.elapsed().as_secs_f64() < 1.0, "{:?}", clock.elapsed());
    }

    /// A table of absurd magnitude (1e-308) parses, but no training set can be drawn from its
    /// curve: said within a second (it was 40 s on a phone's main thread).
    #[test]
    fn a_hopeless_curve_is_given_up_quickly() {
        use crate::systems::qcd::{qcd_box, qcd_training_data, QCD_BOX, QCD_NU_SD};
        let csv = "m_q,condensate\n1e-308,1e-308\n2e-308,2e-308\n3e-308,1e-308\n4e-308,3e-308\n";
        let pts = parse_measurements(csv, Units::Physical).unwrap();
        let bx = qcd_box(Some(&pts));
        let xy: Vec<[f64; 2]> = pts.iter().map(|p| [p.m_q, p.condensate]).collect();
        let clock = std::time::Instant::now();
        let mut rng = crate::rng::Rng::new(1, 0);
        let nu = QCD_NU_SD * bx[1] / QCD_BOX[1];
        assert!(qcd_training_data(&xy, bx, nu, 1000, &mut rng).is_none());
        assert!(clock.elapsed().as_secs_f64() < 1.0, "{:?}", clock.elapsed());
    }

    #[test]
    fn table_i_round_trips_through_lattice_units() {
        let csv = "m_q,condensate,error\n0.0008125,0.0111,0.0002\n0.001625,0.0202,0.0004\n0.00325,0.0375,0.0005\n0.0065,0.0666,0.0008\n0.013,0.1186,0.0005\n0.026,0.1807,0.0004\n";
        let pts = parse_measurements(csv, Units::Lattice { inv_a_gev: 0.829 }).unwrap();
        for (a, b) in pts.iter().zip(crate::systems::qcd::lattice::table_i()) {
            assert!((a.m_q - b.m_q).abs() < 1e-15 && (a.condensate - b.condensate).abs() < 1e-15);
        }
    }

    #[test]
    fn every_rejection_names_line_column_and_reason() {
        let cases = [
            (
                "m_q,condensate\n0.001,0.01\n0.002,abc\n0.003,0.03\n0.004,0.04\n",
                "CSV line 3, column 2 (condensate): 'abc' is not a number",
            ),
            (
                "m_q,condensate\n-0.001,0.01\n0.002,0.02\n0.003,0.03\n0.004,0.04\n",
                "line 2, column 1 (m_q): negative quark mass",
            ),
            (
                "m_q,condensate\n0.001,0.01\n0.002,0.02\n0.003,0.03\n",
                "at least 4",
            ),
            (
                "m_q,condensate\n0.001,0.01\n0.002,0.02\n0.001,0.03\n0.004,0.04\n",
                "line 4, column 1 (m_q): mass 0.001 duplicates line 2",
            ),
            (
                "m_q,condensate\n0.001,0.01\n0.002,0.02\n5,0.03\n0.004,0.04\n",
                "line 4: m_q = 5.0000 GeV",
            ),
            ("mass,cond\n1,2\n", "header must name"),
            ("m_q,condensate\n0.001,0.01,7\n", "line 2: 3 fields"),
            ("", "empty"),
        ];
        for (csv, want) in cases {
            let e = parse_measurements(csv, Units::Physical).unwrap_err();
            assert!(
                e.to_string().contains(want),
                "{e:?} should contain {want:?}"
            );
        }
        let e = parse_measurements(
            "m_q,condensate\n0.001,0.01\n0.002,0.02\n0.001,0.03\n0.004,0.04\n",
            Units::Physical,
        )
        .unwrap_err();
        assert_eq!(
            e.place,
            crate::error::Place::Csv {
                line: Some(4),
                column: Some((1, "m_q".into()))
            }
        );
        let e =
            parse_measurements("m_q,condensate\n", Units::Lattice { inv_a_gev: -1.0 }).unwrap_err();
        assert_eq!(e.place, crate::error::Place::Key("1/a".into()));
    }
}
