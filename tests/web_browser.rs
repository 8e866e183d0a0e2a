//! The exported WebAssembly API in a real headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use adsdl::web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A value the App returns, as JSON, to compare and inspect.
fn json(v: wasm_bindgen::JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

fn canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    c
}

#[wasm_bindgen_test]
fn same_seed_gives_the_same_losses_as_native() {
    // Same configuration as tests/golden/run.rs: QCD, seed 7, 100 points per class, batch 20,
    // 3 epochs, recipe restart.
    let mut app = App::new("?preset=qcd&seed=7&n=100&batch=20&recipe=restart").unwrap();
    assert_eq!(app.run(30, 1e9), 30);
    let want: Vec<f64> = serde_json::from_str(include_str!("golden/seed7_losses.json")).unwrap();
    assert_eq!(app.losses(), want);
}

#[wasm_bindgen_test]
fn the_pages_simd128_tanh_is_libm_bit_for_bit() {
    // The network's range densely, every binade and libm's thresholds with their neighbours
    // (physics::tanh; natively the AVX2 and SSE4.1 forms are checked on 4·10⁶ inputs each).
    let mut rng = adsdl::rng::Rng::new(9, 0);
    let mut x: Vec<f64> = (0..200_000).map(|_| rng.range(-25.0, 25.0)).collect();
    for _ in 0..50_000 {
        let bits = rng.range(0.0, 1.0) * (0x7ff0_0000_0000_0000u64 as f64);
        let v = f64::from_bits(bits as u64);
        x.extend([v, -v]);
    }
    for w in [0x4034_0000u64, 0x3fe1_93ea, 0x3fd0_58ae, 0x0010_0000] {
        let b = f64::from_bits(w << 32);
        x.extend([b, b.next_up(), b.next_down(), -b, -b.next_up()]);
    }
    x.extend([0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
    for chunk in x.chunks(16) {
        let mut lanes = [0.5; 16];
        lanes[..chunk.len()].copy_from_slice(chunk);
        let got = adsdl::physics::tanh::tanh16(&lanes);
        for (g, v) in got.iter().zip(lanes) {
            let want = libm::tanh(v);
            assert!(
                g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan()),
                "tanh({v:e}) = {g:e}, libm {want:e}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn training_lowers_the_loss_on_average() {
    let mut app = App::new("?preset=ads-schwarzschild&seed=2&n=300").unwrap();
    let before = app.full_loss();
    app.run(60 * 20, 1e9);
    let after = app.full_loss();
    assert!(after < 0.5 * before, "{before} → {after}");
}

#[wasm_bindgen_test]
fn errors_become_js_errors_and_leave_the_run_intact() {
    let mut app = App::new("?preset=qcd&n=100&batch=20").unwrap();
    app.run(5, 1e9);
    let before = json(app.status());
    let Err(err) = app.import_model("{ not json") else {
        panic!("a malformed model must be rejected");
    };
    let msg = js_sys::Error::from(wasm_bindgen::JsValue::from(err)).message();
    assert!(
        String::from(msg).contains("line 1"),
        "message names the place"
    );
    assert!(app.set_lr(-3.0).is_err());
    assert_eq!(
        json(app.status()),
        before,
        "a rejected input changes nothing"
    );
    assert_eq!(app.run(5, 1e9), 5, "the run continues");
}

#[wasm_bindgen_test]
fn hostile_url_values_become_notices() {
    let app = App::new("?preset=qcd&lr=1e99&seed=%3Cimg%20src%3Dx%3E&bogus=1").unwrap();
    let notices: Vec<String> = serde_wasm_bindgen::from_value(app.notices()).unwrap();
    assert_eq!(notices.len(), 3, "{notices:?}");
    let state = json(app.state());
    assert_eq!(state["config"]["lr"], 10.0);
}

#[wasm_bindgen_test]
fn every_chart_of_every_system_draws_pixels() {
    for sys in json(App::systems()).as_array().unwrap() {
        let name = sys["name"].as_str().unwrap();
        let mut app = App::new(&format!("?preset={name}&n=200&batch=40")).unwrap();
        app.run(30, 1e9);
        for chart in json(app.charts()).as_array().unwrap() {
            let chart = chart["name"].as_str().unwrap();
            assert_draws(&mut app, chart, &format!("{name}/{chart}"));
        }
        assert!(app.draw("nonsense", canvas(10, 10), false, 1.0).is_err());
    }
}

fn assert_draws(app: &mut App, name: &str, what: &str) {
    {
        let c = canvas(400, 250);
        app.draw(name, c.clone(), false, 1.0).unwrap();
        let ctx: web_sys::CanvasRenderingContext2d =
            c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
        let data = ctx.get_image_data(0.0, 0.0, 400.0, 250.0).unwrap().data();
        let non_white = data
            .chunks(4)
            .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
            .count();
        assert!(non_white > 500, "{what}: {non_white} drawn pixels");
    }
}

#[wasm_bindgen_test]
fn dragging_a_point_of_your_own_metric_starts_a_run_on_it() {
    let mut app = App::new("?preset=custom&n=200").unwrap();
    assert!(app.metric_editable());
    assert_draws(&mut app, "metric", "custom/metric");
    let geometry = json(app.metric_geometry());
    assert!(geometry["px_x"][1].as_i64() > geometry["px_x"][0].as_i64());
    let before = json(app.reference_points());
    app.set_metric_point(9, 7.5).unwrap();
    let after = json(app.reference_points());
    assert_eq!(after[9][1], 7.5, "layer 9 moved");
    assert_eq!(after[0], before[0], "the others stayed");
    assert!(app.query().contains("metric="), "{}", app.query());
    assert_eq!(json(app.status())["steps"], 0, "a new run");
    // A rejected metric changes nothing.
    let q = app.query();
    assert!(app.use_metric("eta,h\n0.5,1\n0.4,2\n1,3\n").is_err());
    assert_eq!(app.query(), q);
    let mut qcd = App::new("?preset=qcd").unwrap();
    assert!(!qcd.metric_editable());
    assert!(qcd.set_metric_point(0, 1.0).is_err());
}

#[wasm_bindgen_test]
fn exported_model_reimports_with_the_same_loss() {
    let mut app = App::new("?preset=ads-schwarzschild&seed=4&n=200").unwrap();
    app.run(100, 1e9);
    let text = app.export_model();
    let mut other = App::new("?preset=qcd").unwrap();
    other.import_model(&text).unwrap();
    assert_eq!(other.full_loss(), app.full_loss());
    assert!(App::bench(1).unwrap() > 0.0);
}
