//! Data points from CSV text: `m_q,condensate[,label]` (GeV, GeV³) for QCD, `phi,pi[,label]` for
//! AdS-Schwarzschild. Every error names the line, the column and the reason.

use crate::physics::{PresetId, Sample};

/// Column names of the two inputs of a preset.
pub fn input_columns(preset: PresetId) -> [&'static str; 2] {
    match preset {
        PresetId::Qcd => ["m_q", "condensate"],
        PresetId::AdsSchwarzschild => ["phi", "pi"],
    }
}

/// Parse CSV text with a header. A missing label means 0 (a positive, measured point).
pub fn parse_csv(text: &str, preset: PresetId) -> Result<Vec<Sample>, String> {
    let cols = input_columns(preset);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let (hline, header) = lines
        .next()
        .ok_or("CSV: no header line (expected e.g. 'm_q,condensate,label')")?;
    let names: Vec<String> = header
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let find = |n: &str| names.iter().position(|c| c == n);
    let idx: Vec<usize> = cols
        .iter()
        .map(|c| {
            find(c).ok_or_else(|| {
                format!(
                    "CSV line {}: header has no column '{c}' (expected {},{}[,label])",
                    hline + 1,
                    cols[0],
                    cols[1]
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let label_idx = find("label");
    let mut out = Vec::new();
    for (ln, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != names.len() {
            return Err(format!(
                "CSV line {}: {} fields, the header has {}",
                ln + 1,
                fields.len(),
                names.len()
            ));
        }
        let num = |i: usize| -> Result<f64, String> {
            let v: f64 = fields[i].parse().map_err(|_| {
                format!(
                    "CSV line {}, column {} ({}): '{}' is not a number",
                    ln + 1,
                    i + 1,
                    names[i],
                    fields[i]
                )
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!(
                    "CSV line {}, column {} ({}): {} is not finite",
                    ln + 1,
                    i + 1,
                    names[i],
                    fields[i]
                ))
            }
        };
        let y = match label_idx {
            Some(i) => {
                let v = num(i)?;
                if v != 0.0 && v != 1.0 {
                    return Err(format!(
                        "CSV line {}, column {} (label): {v} is not 0 or 1",
                        ln + 1,
                        i + 1
                    ));
                }
                v
            }
            None => 0.0,
        };
        out.push(Sample {
            x: [num(idx[0])?, num(idx[1])?],
            y,
        });
    }
    if out.is_empty() {
        return Err("CSV: no data rows after the header".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_labels() {
        let s = parse_csv("m_q,condensate\n0.001,0.01\n0.002, 0.02\n", PresetId::Qcd).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].x, [0.002, 0.02]);
        let s = parse_csv(
            "pi,phi,label\n# comment\n0.1,1.0,1\n",
            PresetId::AdsSchwarzschild,
        )
        .unwrap();
        assert_eq!(s[0].x, [1.0, 0.1]);
        assert_eq!(s[0].y, 1.0);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_csv("m_q,condensate\n0.001,0.01\n0.002,abc\n", PresetId::Qcd).unwrap_err();
        assert!(
            e.contains("line 3") && e.contains("column 2") && e.contains("abc"),
            "{e}"
        );
        let e = parse_csv("x,y\n1,2\n", PresetId::Qcd).unwrap_err();
        assert!(e.contains("m_q"), "{e}");
        let e = parse_csv("m_q,condensate,label\n1,2,5\n", PresetId::Qcd).unwrap_err();
        assert!(e.contains("label"), "{e}");
        let e = parse_csv("m_q,condensate\n1,2,3\n", PresetId::Qcd).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(parse_csv("", PresetId::Qcd).is_err());
        assert!(parse_csv("m_q,condensate\n", PresetId::Qcd).is_err());
    }
}
