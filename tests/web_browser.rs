//! The exported WebAssembly API in a real headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use adsdl::web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    c
}

#[wasm_bindgen_test]
fn same_seed_gives_the_same_losses_as_native() {
    // Same configuration as tests/golden.rs: QCD, seed 7, 100 points per class, batch 20, 3 epochs.
    let mut app = App::new("?preset=qcd&seed=7&n=100&batch=20").unwrap();
    assert_eq!(app.run(30, 1e9), 30);
    let want: Vec<f64> = serde_json::from_str(include_str!("golden/seed7_losses.json")).unwrap();
    assert_eq!(app.losses(), want);
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
    let before = app.status();
    let Err(err) = app.import_model("{ not json") else {
        panic!("a malformed model must be rejected");
    };
    let msg = js_sys::Error::from(wasm_bindgen::JsValue::from(err)).message();
    assert!(
        String::from(msg).contains("line 1"),
        "message names the place"
    );
    assert!(app.set_lr(-3.0).is_err());
    assert_eq!(app.status(), before, "a rejected input changes nothing");
    assert_eq!(app.run(5, 1e9), 5, "the run continues");
}

#[wasm_bindgen_test]
fn hostile_url_values_become_notices() {
    let app = App::new("?preset=qcd&lr=1e99&seed=%3Cimg%20src%3Dx%3E&bogus=1").unwrap();
    let notices: Vec<String> = serde_json::from_str(&app.notices()).unwrap();
    assert_eq!(notices.len(), 3, "{notices:?}");
    let state: serde_json::Value = serde_json::from_str(&app.state()).unwrap();
    assert_eq!(state["config"]["lr"], 10.0);
}

#[wasm_bindgen_test]
fn every_chart_draws_pixels() {
    let mut app = App::new("?preset=qcd&n=200&batch=40").unwrap();
    app.run(30, 1e9);
    for name in app.charts().split(',') {
        let c = canvas(400, 250);
        app.draw(name, c.clone(), false, 1.0).unwrap();
        let ctx: web_sys::CanvasRenderingContext2d =
            c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
        let data = ctx.get_image_data(0.0, 0.0, 400.0, 250.0).unwrap().data();
        let non_white = data
            .chunks(4)
            .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
            .count();
        assert!(non_white > 500, "{name}: {non_white} drawn pixels");
    }
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
