//! Property tests of everything that reads user input: the CSV readers, the model-file reader,
//! the URL-state parser and the session reader. Arbitrary input never panics; valid input
//! round-trips. Case counts: see `ARBITRARY` and `ROUND_TRIPS`. The links and sessions are
//! generated in the inputs' own shape (settings' keys and values; a real session with numbers
//! replaced), and a test checks that most of them reach the code under test.
#![cfg(not(target_arch = "wasm32"))]

use adsdl::model_file::ModelFile;
use adsdl::points::{parse_csv, parse_measurements, Measured, Units};
use adsdl::settings::{Kind, Setting, SETTINGS};
use adsdl::systems::custom::MetricPoint;
use adsdl::systems::qcd;
use adsdl::systems::REGISTRY;
use adsdl::train::trainer::Session;
use adsdl::train::{OptKind, Recipe, TrainConfig, Trainer};
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

/// Links as people and programs write them: `key=value` pairs joined by `&`, the keys mostly the
/// settings' own, each with a value of its kind (in range, out of range, or of another kind),
/// among pairs of noise.
fn query() -> impl Strategy<Value = String> {
    let words = "(qcd|ads-schwarzschild|custom|paper|restart|fast|adam|sgd|einstein|smooth|curvature|ja|en|metric,data|loss|eichten|sommer|cornell:0.3,0.18)";
    let pair = |s: &'static Setting| -> BoxedStrategy<String> {
        let key = s.key;
        let value: BoxedStrategy<String> = match s.kind {
            Kind::Float { min, max } => prop_oneof![
                3 => (min..=max).prop_map(|x| x.to_string()),
                1 => any::<f64>().prop_map(|x| x.to_string()),
            ]
            .boxed(),
            Kind::Int { min, max } => prop_oneof![
                3 => (min..=max).prop_map(|x| x.to_string()),
                1 => any::<i64>().prop_map(|x| x.to_string()),
            ]
            .boxed(),
            Kind::Seed => prop_oneof![
                3 => (0u64..100_000).prop_map(|x| x.to_string()),
                1 => any::<u64>().prop_map(|x| x.to_string()),
            ]
            .boxed(),
            Kind::Flag => "[01x]".boxed(),
            Kind::Measurements | Kind::Metric => {
                "[0-9.]{1,6}(\\*[0-9.]{1,6}){1,3}(_[0-9.]{1,6}(\\*[0-9.]{1,6}){1,3}){2,12}".boxed()
            }
            _ => prop_oneof![3 => words, 1 => ".{0,12}"].boxed(),
        };
        value.prop_map(move |v| format!("{key}={v}")).boxed()
    };
    let known: Vec<BoxedStrategy<String>> = SETTINGS.iter().map(pair).collect();
    let noise = "[a-zA-Z_;]{0,6}=.{0,12}";
    proptest::collection::vec(
        prop_oneof![4 => proptest::strategy::Union::new(known), 1 => noise],
        0..8,
    )
    .prop_map(|kv| kv.join("&"))
}

/// A real session (a small QCD run two epochs in), as JSON text.
fn session_text() -> String {
    let mut c = TrainConfig::new(qcd::ID);
    c.per_class = 50;
    c.batch = 20;
    let mut t = Trainer::new(c).unwrap();
    t.epoch_step().unwrap();
    t.epoch_step().unwrap();
    serde_json::to_string(&t.session()).unwrap()
}

/// That session with some of its numbers replaced: the text stays JSON, so most cases reach
/// `Trainer::from_session`'s checks rather than the JSON reader's.
fn sessions() -> impl Strategy<Value = String> {
    let base = session_text();
    let numbers: Vec<(usize, usize)> = {
        let b = base.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let starts = (b[i].is_ascii_digit() || b[i] == b'-')
                && i > 0
                && matches!(b[i - 1], b':' | b',' | b'[');
            if starts {
                let j = (i + 1..b.len())
                    .find(|&j| {
                        !(b[j].is_ascii_digit() || matches!(b[j], b'.' | b'e' | b'E' | b'-' | b'+'))
                    })
                    .unwrap_or(b.len());
                out.push((i, j));
                i = j;
            } else {
                i += 1;
            }
        }
        out
    };
    let replacement = prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("18446744073709551615".to_string()),
        Just("9007199254740992".to_string()),
        Just("0.5".to_string()),
        Just("3".to_string()),
        Just("-1e-300".to_string()),
        Just("100000".to_string()),
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?",
    ];
    proptest::collection::vec((any::<proptest::sample::Index>(), replacement), 1..4).prop_map(
        move |edits| {
            let mut chosen: Vec<((usize, usize), String)> = edits
                .into_iter()
                .map(|(ix, v)| (numbers[ix.index(numbers.len())], v))
                .collect();
            // From the end, so earlier spans stay where they are.
            chosen.sort_by_key(|((a, _), _)| std::cmp::Reverse(*a));
            chosen.dedup_by_key(|((a, _), _)| *a);
            let mut text = base.clone();
            for ((a, b), v) in chosen {
                text.replace_range(a..b, &v);
            }
            text
        },
    )
}

/// The fuzzers reach what they claim to test: most generated links set a setting, and many
/// generated sessions get past the JSON reader to the session's own checks, some of them
/// through it (all printed; before the generators, 0 of 3000 did either).
#[test]
fn the_fuzzers_reach_the_code_they_test() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let n = 2000;
    let (mut set, mut read, mut restored) = (0, 0, 0);
    let links = query();
    for _ in 0..n {
        let q = links.new_tree(&mut runner).unwrap().current();
        let (st, _) = parse_query(&q);
        if st != PageState::new(st.config.preset) {
            set += 1;
        }
    }
    let texts = sessions();
    for _ in 0..n / 4 {
        let text = texts.new_tree(&mut runner).unwrap().current();
        if let Ok(s) = serde_json::from_str::<Session>(&text) {
            read += 1;
            if Trainer::from_session(s).is_ok() {
                restored += 1;
            }
        }
    }
    eprintln!(
        "links that set a setting: {set} of {n}; sessions read: {read} of {}, of which restored: {restored}",
        n / 4
    );
    // Floors well under what the generators give (64 % and 50 % when written): a generator
    // that drifts back to noise fails here.
    assert!(set * 2 > n, "only {set} of {n} links set a setting");
    assert!(
        read * 10 > 3 * (n / 4),
        "only {read} of {} sessions were read",
        n / 4
    );
    assert!(
        restored > 0 && restored < read,
        "{restored} of {read}: the checks were not reached"
    );
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
            prop_assert_eq!(m.h().len(), 15);
            prop_assert!(m.params().is_finite());
        }
        let doc = serde_json::json!({"format": "adsdl-model", "version": 2, "preset": "qcd",
            "params": {"h": h, "lambda": lambda, "ads_radius": 3.0}});
        if let Ok(m) = ModelFile::from_json(&doc.to_string()) {
            prop_assert_eq!(m.h().len(), 15);
            prop_assert!(m.params().is_finite());
        }
    }

    #[test]
    fn url_parser_never_panics_and_always_yields_a_valid_config(q in prop_oneof![texty(), query()]) {
        let (st, _notices) = parse_query(&q);
        prop_assert!(st.config.validate().is_ok(), "{:?}", st.config);
        let (again, notices) = parse_query(&to_query(&st));
        prop_assert!(notices.is_empty(), "{:?}", notices);
        prop_assert_eq!(again, st);
    }

    #[test]
    fn session_reader_never_panics(text in prop_oneof![texty(), sessions()]) {
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
        // The systems the page shows (the others' links fall back to the default, tested apart).
        let page: Vec<_> = REGISTRY.iter().filter(|s| s.in_page()).collect();
        let sys = page[which % page.len()];
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
        prop_assert_eq!(m.h(), &h[..]);
        prop_assert_eq!(m.version, 2, "read into version 2, written as version 2");
        prop_assert_eq!(ModelFile::from_json(&m.to_json()).unwrap(), m);
    }
}
