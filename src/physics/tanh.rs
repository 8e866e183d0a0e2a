//! tanh of eight lanes at once with AVX2, bit for bit `libm::tanh` of each lane.
//!
//! Two tanh per training point take a quarter or more of a native epoch (README, "Speed and
//! size"), and libm's tanh branches on the size of its argument, which no compiler vectorises.
//! Here each vector computes every path of libm's tanh and expm1 with libm's own operations, in
//! libm's order, and keeps per lane the one libm would have taken. IEEE arithmetic is deterministic and
//! nothing is fused, so each lane has libm's bits: the golden run and native = wasm hold. Groups
//! with a lane libm treats specially (NaN, zero, subnormal) go to libm itself.
//!
//! The algorithm is FreeBSD's s_tanh.c and s_expm1.c as the `libm` crate ports them (Copyright
//! (C) 1993 by Sun Microsystems; freely usable with this notice). libm compares the high 32 bits
//! of |x| with constants; here |x| is compared with the smallest double of that high word.

/// Eight f64 lanes, the kernels' group.
pub type Lanes8 = [f64; 8];

#[cfg(target_arch = "x86_64")]
pub use vector::tanh8_avx2;

/// The vector algorithm (x86_64 only: see [`tanh8`]).
#[cfg(target_arch = "x86_64")]
mod vector {
    use super::Lanes8;

    // libm's constants, by their bits.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const INVLN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
    const Q1: f64 = f64::from_bits(0xbfa1_1111_1111_10f4);
    const Q2: f64 = f64::from_bits(0x3f5a_01a0_19fe_5585);
    const Q3: f64 = f64::from_bits(0xbf14_ce19_9ead_dbb7);
    const Q4: f64 = f64::from_bits(0x3ed0_cfca_86e6_5239);
    const Q5: f64 = f64::from_bits(0xbe8a_fdb7_6e09_c32d);

    /// The smallest double whose high word is `w`: `hi(|x|) >= w` ⟺ `|x| >= from_word(w)`.
    const fn from_word(w: u64) -> f64 {
        f64::from_bits(w << 32)
    }

    /// A vector of f64 lanes with the operations libm's tanh needs, each exactly IEEE's.
    trait F64s: Copy {
        /// All-ones or all-zeros per lane.
        type Mask: Copy;
        fn splat(v: f64) -> Self;
        fn add(self, o: Self) -> Self;
        fn sub(self, o: Self) -> Self;
        fn mul(self, o: Self) -> Self;
        fn div(self, o: Self) -> Self;
        fn abs(self) -> Self;
        fn neg(self) -> Self;
        /// Lane-wise minimum (no lane is NaN here).
        fn min(self, o: Self) -> Self;
        /// Round toward zero.
        fn trunc(self) -> Self;
        fn lt(self, o: Self) -> Self::Mask;
        fn ge(self, o: Self) -> Self::Mask;
        fn eq(self, o: Self) -> Self::Mask;
        fn and(a: Self::Mask, b: Self::Mask) -> Self::Mask;
        fn or(a: Self::Mask, b: Self::Mask) -> Self::Mask;
        /// `a` and not `b`.
        fn and_not(a: Self::Mask, b: Self::Mask) -> Self::Mask;
        /// `a` where `m`, else `b`.
        fn select(m: Self::Mask, a: Self, b: Self) -> Self;
        /// The bits of each lane shifted left by 52.
        fn shl52(self) -> Self;
    }

    /// 2ⁿ for integer-valued lanes n in −1023 … 1024 without a float-to-integer conversion:
    /// 2⁵² + 1023 + n holds 1023 + n in its low bits, which the shift moves into the exponent.
    #[inline(always)]
    fn pow2<V: F64s>(n: V) -> V {
        n.add(V::splat(1023.0 + 4_503_599_627_370_496.0)).shl52()
    }

    /// libm's expm1 for lanes in [−1, 41] (the arguments tanh gives it for |x| ≤ 20).
    #[inline(always)]
    fn expm1_in_range<V: F64s>(y: V) -> V {
        let s = V::splat;
        let ay = y.abs();
        let neg = y.lt(s(0.0));
        let reduce = ay.ge(s(from_word(0x3fd6_2e43))); // |y| > 0.5 ln 2
        let near = ay.lt(s(from_word(0x3ff0_a2b2))); // … and |y| < 1.5 ln 2
        let tiny = ay.lt(s(from_word(0x3c90_0000))); // |y| < 2⁻⁵⁴
                                                     // Argument reduction y = k ln 2 + (hi − lo); libm's `as i32` truncates as trunc does.
        let hi_near = V::select(neg, y.add(s(LN2_HI)), y.sub(s(LN2_HI)));
        let lo_near = V::select(neg, s(-LN2_LO), s(LN2_LO));
        let k_near = V::select(neg, s(-1.0), s(1.0));
        let k_far = s(INVLN2)
            .mul(y)
            .add(V::select(neg, s(-0.5), s(0.5)))
            .trunc();
        let hi_far = y.sub(k_far.mul(s(LN2_HI)));
        let lo_far = k_far.mul(s(LN2_LO));
        let hi = V::select(near, hi_near, hi_far);
        let lo = V::select(near, lo_near, lo_far);
        let x_red = hi.sub(lo);
        let c_red = hi.sub(x_red).sub(lo);
        let x = V::select(reduce, x_red, y);
        let c = V::select(reduce, c_red, s(0.0));
        let k = V::select(reduce, V::select(near, k_near, k_far), s(0.0));
        // x is now in the primary range.
        let hfx = s(0.5).mul(x);
        let hxs = x.mul(hfx);
        let poly = s(Q4).add(hxs.mul(s(Q5)));
        let poly = s(Q3).add(hxs.mul(poly));
        let poly = s(Q2).add(hxs.mul(poly));
        let poly = s(Q1).add(hxs.mul(poly));
        let r1 = s(1.0).add(hxs.mul(poly));
        let t = s(3.0).sub(r1.mul(hfx));
        let e0 = hxs.mul(r1.sub(t).div(s(6.0).sub(x.mul(t))));
        let k_zero = x.sub(x.mul(e0).sub(hxs));
        let e = x.mul(e0.sub(c)).sub(c).sub(hxs);
        let k_minus_one = s(0.5).mul(x.sub(e)).sub(s(0.5));
        let k_one = V::select(
            x.lt(s(-0.25)),
            s(-2.0).mul(e.sub(x.add(s(0.5)))),
            s(1.0).add(s(2.0).mul(x.sub(e))),
        );
        let twopk = pow2(k);
        let uf = pow2(k.neg());
        // k < 0 or k > 56 (k = 1024 cannot occur here): exp(x) − 1 ≈ exp(x).
        let outside = x.sub(e).add(s(1.0)).mul(twopk).sub(s(1.0));
        let below_20 = x.sub(e).add(s(1.0).sub(uf)).mul(twopk);
        let from_20 = x.sub(e.add(uf)).add(s(1.0)).mul(twopk);
        let in_0_56 = V::and(k.ge(s(0.0)), s(56.0).ge(k));
        let general = V::select(
            in_0_56,
            V::select(k.lt(s(20.0)), below_20, from_20),
            outside,
        );
        let by_k = V::select(
            k.eq(s(0.0)),
            k_zero,
            V::select(
                k.eq(s(-1.0)),
                k_minus_one,
                V::select(k.eq(s(1.0)), k_one, general),
            ),
        );
        V::select(V::and_not(tiny, reduce), y, by_k)
    }

    /// libm's tanh for lanes with |x| ≥ 2⁻¹⁰²² or infinite.
    #[inline(always)]
    fn tanh_normal<V: F64s>(x: V) -> V {
        let s = V::splat;
        let ax = x.abs();
        let big = ax.ge(s(from_word(0x4034_0001))); // |x| > 20: libm gives 1 − 0/|x| = 1
        let large = ax.ge(s(from_word(0x3fe1_93eb))); // |x| > log(3)/2
        let middle = ax.ge(s(from_word(0x3fd0_58af))); // |x| > log(5/3)/2
        let y = V::select(V::or(large, middle), s(2.0).mul(ax), s(-2.0).mul(ax));
        // Beyond 20 libm does not call expm1; the clamp keeps the unused value in range.
        let em = expm1_in_range(y.min(s(41.0)));
        let d = em.add(s(2.0));
        let t_large = s(1.0).sub(s(2.0).div(d));
        let t_middle = em.div(d);
        // −em/d is −(em/d) exactly: IEEE division is symmetric in sign.
        let t = V::select(
            big,
            s(1.0),
            V::select(large, t_large, V::select(middle, t_middle, t_middle.neg())),
        );
        V::select(x.lt(s(0.0)), t.neg(), t)
    }

    /// Whether every lane is one [`tanh_normal`] handles (not NaN, zero or subnormal).
    #[inline(always)]
    fn all_normal(x: &Lanes8) -> bool {
        x.iter().all(|v| v.abs() >= f64::MIN_POSITIVE)
    }

    mod avx {
        use super::F64s;
        use std::arch::x86_64::*;

        #[derive(Clone, Copy)]
        pub struct V(pub __m256d);

        // SAFETY (every method): the only caller, `tanh8_avx2`, runs with AVX2 enabled, and
        // these are inlined into it.
        impl F64s for V {
            type Mask = __m256d;
            #[inline(always)]
            fn splat(v: f64) -> Self {
                V(unsafe { _mm256_set1_pd(v) })
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                V(unsafe { _mm256_add_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                V(unsafe { _mm256_sub_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                V(unsafe { _mm256_mul_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                V(unsafe { _mm256_div_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn abs(self) -> Self {
                V(unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0) })
            }
            #[inline(always)]
            fn neg(self) -> Self {
                V(unsafe { _mm256_xor_pd(_mm256_set1_pd(-0.0), self.0) })
            }
            #[inline(always)]
            fn min(self, o: Self) -> Self {
                V(unsafe { _mm256_min_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                V(
                    unsafe {
                        _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(self.0)
                    },
                )
            }
            #[inline(always)]
            fn lt(self, o: Self) -> __m256d {
                unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, o.0) }
            }
            #[inline(always)]
            fn ge(self, o: Self) -> __m256d {
                unsafe { _mm256_cmp_pd::<_CMP_GE_OQ>(self.0, o.0) }
            }
            #[inline(always)]
            fn eq(self, o: Self) -> __m256d {
                unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(self.0, o.0) }
            }
            #[inline(always)]
            fn and(a: __m256d, b: __m256d) -> __m256d {
                unsafe { _mm256_and_pd(a, b) }
            }
            #[inline(always)]
            fn or(a: __m256d, b: __m256d) -> __m256d {
                unsafe { _mm256_or_pd(a, b) }
            }
            #[inline(always)]
            fn and_not(a: __m256d, b: __m256d) -> __m256d {
                unsafe { _mm256_andnot_pd(b, a) }
            }
            #[inline(always)]
            fn select(m: __m256d, a: Self, b: Self) -> Self {
                V(unsafe { _mm256_blendv_pd(b.0, a.0, m) })
            }
            #[inline(always)]
            fn shl52(self) -> Self {
                V(unsafe {
                    _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_castpd_si256(self.0)))
                })
            }
        }
    }

    /// `libm::tanh` of each lane with AVX2, bit for bit.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn tanh8_avx2(x: &Lanes8) -> Lanes8 {
        use std::arch::x86_64::{_mm256_loadu_pd, _mm256_storeu_pd};
        if !all_normal(x) {
            return x.map(libm::tanh);
        }
        let mut out = [0.0; 8];
        for (o, i) in out.chunks_exact_mut(4).zip(x.chunks_exact(4)) {
            let v = tanh_normal(avx::V(_mm256_loadu_pd(i.as_ptr())));
            _mm256_storeu_pd(o.as_mut_ptr(), v.0);
        }
        out
    }
}

/// `libm::tanh` of each lane where there is no AVX2, the page's wasm included: the same
/// algorithm in simd128 (two lanes a vector) was timed no faster there than libm (3.68–3.77 against
/// 3.56–3.60 ms per epoch in the training worker), so wasm keeps libm.
#[inline(always)]
pub fn tanh8(x: &Lanes8) -> Lanes8 {
    x.map(libm::tanh)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Inputs that reach every path: the network's range densely, every binade, libm's
    /// thresholds and where expm1's k changes, each with its neighbours, and special values.
    fn inputs() -> Vec<f64> {
        let mut rng = Rng::new(7, 0);
        let mut v: Vec<f64> = (0..2_000_000).map(|_| rng.range(-25.0, 25.0)).collect();
        for _ in 0..1_000_000 {
            let bits = rng.range(0.0, 1.0) * (0x7ff0_0000_0000_0000u64 as f64);
            let x = f64::from_bits(bits as u64);
            v.extend([x, -x]);
        }
        for w in [
            0x4034_0000u64,
            0x3fe1_93ea,
            0x3fd0_58ae,
            0x3fd6_2e42 - 0x0010_0000,
            0x3fe0_a2b2 - 0x0010_0000,
            0x3c90_0000 - 0x0010_0000,
            0x0010_0000,
        ] {
            for lo in [0u64, 1, 0xffff_ffff] {
                let b = f64::from_bits((w << 32) | lo);
                v.extend([b, b.next_up(), b.next_down(), -b]);
            }
        }
        for k in -4..=60 {
            let x = k as f64 * std::f64::consts::LN_2 / 2.0;
            v.extend([
                x,
                x.next_up(),
                x.next_down(),
                x + 0.25 * std::f64::consts::LN_2,
            ]);
        }
        v.extend([
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ]);
        v
    }

    #[test]
    fn the_avx2_tanh_is_libm_bit_for_bit_on_every_path() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            // The kernels then use libm itself: nothing of this file runs.
            eprintln!("no AVX2 on this machine: the vector tanh is not used, not checked");
            return;
        }
        for chunk in inputs().chunks_exact(8) {
            let x: Lanes8 = chunk.try_into().unwrap();
            // SAFETY: the CPU has AVX2 (asserted above).
            let got = unsafe { tanh8_avx2(&x) };
            for (g, &x) in got.iter().zip(chunk) {
                let want = libm::tanh(x);
                assert!(
                    g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan()),
                    "tanh({x:e}) = {g:e}, libm {want:e}"
                );
            }
        }
    }
}
