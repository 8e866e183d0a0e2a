//! Property tests of everything that reads user input: the CSV readers, the model-file reader,
//! the URL-state parser and the session reader. Arbitrary input never panics; valid input
//! round-trips. Case counts: see `ARBITRARY` and `ROUND_TRIPS`.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::model_file::ModelFile;
use adsdl::points::{parse_csv, parse_measurements, Measured, Units};
use adsdl::systems::custom::MetricPoint;
use adsdl::systems::REGISTRY;
use adsdl::train::trainer::Session;
use adsdl::train::{OptKind, Recipe, Trainer};
use adsdl::url_state::{parse_query, to_query, PageState};
use proptest::prelude::*;

/// Cases per property: 4 properties × 3000 arbitrary + 3 × 1000 round trips run in about a second.
const ARBITRARY: u32 = 3000;
const ROUND_TRIPS: u32 = 1000;

/// Text that looks like the inputs (digits, separators, signs, names) more often than noise does.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "[0-9eE.,+\\-\n _a-z:*<>%#]{0,300}",
        "(m_q,condensate(,error)?\n)?([0-9.eE+-]{0,9},[0-9.eE+-]{0,9}(,[0-9.]{0,5})?\n){0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ARBITRARY, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_readers_never_panic(text in texty(), lattice in any::<bool>(), inv_a in -1.0f64..5.0) {
        let _ = parse_csv(&text, ["m_q", "condensate"]);
        let _ = parse_csv(&text, ["phi", "pi"]);
        let units = if lattice { Units::Lattice { inv_a_gev: inv_a } } else { Units::Physical };
        if let Ok(pts) = parse_measurements(&text, units) {
            prop_assert!(pts.len() >= 4);
            prop_assert!(pts.iter().all(|p| p.m_q >= 0.0 && p.condensate >= 0.0 && p.m_q.is_finite()));
        }
    }

    #[test]
    fn model_reader_never_panics(text in texty(), h in proptest::collection::vec(any::<f64>(), 0..17), lambda in any::<f64>()) {
        let _ = ModelFile::from_json(&text);
        // Structurally plausible files with arbitrary numbers.
        let doc = serde_json::json!({"format": "adsdl-model", "version": 1, "preset": "qcd", "d": 4, "m2": -3,
            "layers": h.len(), "eta_ini": 1, "eta_fin": 1.0/15.0, "h": h, "lambda": lambda, "ads_radius": 3.0});
        if let Ok(m) = ModelFile::from_json(&doc.to_string()) {
            prop_assert_eq!(m.h.len(), 15);
            prop_assert!(m.params().is_finite());
        }
    }

    #[test]
    fn url_parser_never_panics_and_always_yields_a_valid_config(q in texty()) {
        let (st, _notices) = parse_query(&q);
        prop_assert!(st.config.validate().is_ok(), "{:?}", st.config);
        let (again, notices) = parse_query(&to_query(&st));
        prop_assert!(notices.is_empty(), "{:?}", notices);
        prop_assert_eq!(again, st);
    }

    #[test]
    fn session_reader_never_panics(text in texty()) {
        if let Ok(s) = serde_json::from_str::<Session>(&text) {
            let _ = Trainer::from_session(s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ROUND_TRIPS, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn measurements_round_trip_through_csv(raw in proptest::collection::btree_map(1u32..1_000_000, (0.0f64..1.5, 0.0f64..0.01), 4..30)) {
        let pts: Vec<Measured> = raw.iter().map(|(&m, &(c, e))| Measured { m_q: m as f64 * 1e-6, condensate: c, error: e }).collect();
        prop_assume!(pts.iter().any(|p| p.condensate > 0.0));
        let mut csv = String::from("m_q,condensate,error\n");
        for p in &pts {
            csv += &format!("{},{},{}\n", p.m_q, p.condensate, p.error);
        }
        prop_assert_eq!(parse_measurements(&csv, Units::Physical).unwrap(), pts);
    }

    #[test]
    fn page_states_round_trip_through_the_url(
        which in 0usize..REGISTRY.len(), seed in 0..=adsdl::settings::MAX_SEED, lr in 1e-6f64..10.0, batch in 1usize..2000,
        c in 0.0f64..1e4, paper in any::<bool>(), sgd in any::<bool>(), speed in 0usize..9,
        embed in any::<bool>(), present in any::<bool>(), play in any::<bool>(), r in 0usize..3,
        hs in proptest::collection::vec(-99.0f64..99.0, 3..12),
    ) {
        let sys = REGISTRY[which];
        let mut st = PageState::new(sys.id());
        st.config.seed = seed;
        st.config.lr = lr;
        st.config.batch = batch;
        st.config.reg_c = c;
        st.config.reg = sys.reg_choices()[r % sys.reg_choices().len()];
        if sys.accepts_metric() {
            // Points spanning [0.1, 1] with increasing η.
            let n = hs.len();
            st.config.metric = Some(hs.iter().enumerate().map(|(i, &h)| MetricPoint {
                eta: 0.1 + 0.9 * i as f64 / (n - 1) as f64,
                h,
            }).collect());
        }
        st.config.recipe = if paper { Recipe::Paper } else { Recipe::Restart };
        st.config.optimizer = if sgd { OptKind::Sgd } else { OptKind::Adam };
        st.speed = speed;
        st.embed = embed;
        st.present = present;
        st.autoplay = play;
        let (back, notices) = parse_query(&to_query(&st));
        prop_assert!(notices.is_empty(), "{:?}", notices);
        prop_assert_eq!(back, st);
    }

    #[test]
    fn models_round_trip_through_json(h in proptest::collection::vec(-1e6f64..1e6, 15), lambda in -1e3f64..1e3, l in 1e-3f64..1e3, epochs in 0usize..100_000) {
        let doc = serde_json::json!({"format": "adsdl-model", "version": 1, "preset": "qcd", "d": 4, "m2": -3,
            "layers": 15, "eta_ini": 1, "eta_fin": 1.0/15.0, "h": h, "lambda": lambda, "ads_radius": l, "epochs": epochs});
        let m = ModelFile::from_json(&doc.to_string()).unwrap();
        prop_assert_eq!(&m.h, &h);
        prop_assert_eq!(ModelFile::from_json(&m.to_json()).unwrap(), m);
    }
}
