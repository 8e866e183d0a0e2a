//! tanh of a group's sixteen arguments at once (AVX2 or SSE4.1 natively, simd128 in the page's
//! wasm), bit for bit `libm::tanh` of each lane.
//!
//! Two tanh per training point take a quarter to a half of an epoch (docs/findings.md, "Speed and size"),
//! and libm's tanh branches on the size of its argument, which no compiler vectorises. In
//! training nearly every argument 100(F ± 0.1) is either beyond 20 (tanh = ±1) or above
//! log(3)/2, where libm computes 1 − 2/(expm1(2|x|) + 2) and expm1 always takes its general
//! argument reduction. Each vector computes that one path with libm's own operations in libm's
//! order; IEEE arithmetic is deterministic and nothing is fused, so those lanes have libm's bits.
//! The few other lanes (|x| ≤ log(3)/2, NaN) are then replaced by libm's own answer. So the
//! golden run and native = wasm hold.
//!
//! The algorithm is FreeBSD's s_tanh.c and s_expm1.c as the `libm` crate ports them (Copyright
//! (C) 1993 by Sun Microsystems; freely usable with this notice). libm compares the high 32 bits
//! of |x| with constants; here |x| is compared with the smallest double of that high word.

/// A group's two tanh arguments per lane: 100(F − 0.1) of its eight lanes, then 100(F + 0.1).
pub type Lanes16 = [f64; 16];

#[cfg(target_arch = "x86_64")]
pub use vector::{tanh16_avx2, tanh16_sse41};

/// The vector algorithm, with AVX2 or SSE4.1 natively and simd128 in wasm.
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
))]
mod vector {
    use super::Lanes16;

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
        /// Lanes per vector.
        const LANES: usize;
        /// The first [`F64s::LANES`] values of `x`.
        fn load(x: &[f64]) -> Self;
        /// Into the first [`F64s::LANES`] places of `out`.
        fn store(self, out: &mut [f64]);
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
        /// `a` where `m`, else `b`.
        fn select(m: Self::Mask, a: Self, b: Self) -> Self;
        /// The bits of each lane shifted left by 52.
        fn shl52(self) -> Self;
    }

    /// Two vectors as one: each operation is issued for both halves side by side, so that the
    /// long dependency chain of tanh runs for several vectors at once instead of one after the
    /// other (the out-of-order window of the CPU does not reach that far on its own).
    /// (In wasm, simd128's two lanes already make eight chains for a group, and pairing them
    /// measured no faster in Chromium.)
    #[cfg(target_arch = "x86_64")]
    #[derive(Clone, Copy)]
    struct Pair<V>(V, V);

    #[cfg(target_arch = "x86_64")]
    impl<V: F64s> F64s for Pair<V> {
        type Mask = (V::Mask, V::Mask);
        const LANES: usize = 2 * V::LANES;
        #[inline(always)]
        fn load(x: &[f64]) -> Self {
            Pair(V::load(x), V::load(&x[V::LANES..]))
        }
        #[inline(always)]
        fn store(self, out: &mut [f64]) {
            self.0.store(out);
            self.1.store(&mut out[V::LANES..]);
        }
        #[inline(always)]
        fn splat(v: f64) -> Self {
            Pair(V::splat(v), V::splat(v))
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Pair(self.0.add(o.0), self.1.add(o.1))
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            Pair(self.0.sub(o.0), self.1.sub(o.1))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            Pair(self.0.mul(o.0), self.1.mul(o.1))
        }
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            Pair(self.0.div(o.0), self.1.div(o.1))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Pair(self.0.abs(), self.1.abs())
        }
        #[inline(always)]
        fn neg(self) -> Self {
            Pair(self.0.neg(), self.1.neg())
        }
        #[inline(always)]
        fn min(self, o: Self) -> Self {
            Pair(self.0.min(o.0), self.1.min(o.1))
        }
        #[inline(always)]
        fn trunc(self) -> Self {
            Pair(self.0.trunc(), self.1.trunc())
        }
        #[inline(always)]
        fn lt(self, o: Self) -> Self::Mask {
            (self.0.lt(o.0), self.1.lt(o.1))
        }
        #[inline(always)]
        fn ge(self, o: Self) -> Self::Mask {
            (self.0.ge(o.0), self.1.ge(o.1))
        }
        #[inline(always)]
        fn select(m: Self::Mask, a: Self, b: Self) -> Self {
            Pair(V::select(m.0, a.0, b.0), V::select(m.1, a.1, b.1))
        }
        #[inline(always)]
        fn shl52(self) -> Self {
            Pair(self.0.shl52(), self.1.shl52())
        }
    }

    /// 2ⁿ for integer-valued lanes n in −1023 … 1024 without a float-to-integer conversion:
    /// 2⁵² + 1023 + n holds 1023 + n in its low bits, which the shift moves into the exponent.
    #[inline(always)]
    fn pow2<V: F64s>(n: V) -> V {
        n.add(V::splat(1023.0 + 4_503_599_627_370_496.0)).shl52()
    }

    /// |x| above which libm's tanh is 1 − 2/(expm1(2|x|) + 2) (its high word above 0x3fe193ea:
    /// |x| > log(3)/2); below it (and for NaN) [`tanh_large`]'s caller asks libm.
    pub const LARGE: f64 = from_word(0x3fe1_93eb);

    /// libm's expm1 for y in (2·log(3)/2, 41]: there it always takes its general reduction
    /// (|y| ≥ 1.5 ln 2), with k from 2 to 59.
    #[inline(always)]
    fn expm1_large<V: F64s>(y: V) -> V {
        let s = V::splat;
        // y = k ln 2 + (hi − lo); libm's `as i32` truncates as trunc does.
        let k = s(INVLN2).mul(y).add(s(0.5)).trunc();
        let hi = y.sub(k.mul(s(LN2_HI)));
        let lo = k.mul(s(LN2_LO));
        let x = hi.sub(lo);
        let c = hi.sub(x).sub(lo);
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
        let e = x.mul(e0.sub(c)).sub(c).sub(hxs);
        // exp(x) ≈ 2^k (x − e + 1), arranged by libm according to k.
        let twopk = pow2(k);
        let uf = pow2(k.neg());
        let beyond_56 = x.sub(e).add(s(1.0)).mul(twopk).sub(s(1.0));
        let below_20 = x.sub(e).add(s(1.0).sub(uf)).mul(twopk);
        let from_20 = x.sub(e.add(uf)).add(s(1.0)).mul(twopk);
        V::select(
            k.lt(s(20.0)),
            below_20,
            V::select(k.ge(s(57.0)), beyond_56, from_20),
        )
    }

    /// libm's tanh for lanes with |x| ≥ [`LARGE`]: the sign of x times 1 beyond |x| = 20, else
    /// 1 − 2/(expm1(2|x|) + 2). Other lanes get a value to be replaced.
    #[inline(always)]
    fn tanh_large<V: F64s>(x: V) -> V {
        let s = V::splat;
        let ax = x.abs();
        // Beyond |x| = 20 libm gives 1 − 0/|x| = 1 without calling expm1; the clamp keeps the
        // unused value there finite.
        let big = ax.ge(s(from_word(0x4034_0001)));
        let em = expm1_large(s(2.0).mul(ax).min(s(41.0)));
        let t = V::select(big, s(1.0), s(1.0).sub(s(2.0).div(em.add(s(2.0)))));
        V::select(x.lt(s(0.0)), t.neg(), t)
    }

    /// Lanes below [`LARGE`] (and NaN) from libm itself: in training, the points whose F is
    /// within 0.0055 of ±0.1.
    #[inline(always)]
    fn small_from_libm(x: &Lanes16, out: &mut Lanes16) {
        for (o, &v) in out.iter_mut().zip(x) {
            // NaN compares false too.
            if v.is_nan() || v.abs() < LARGE {
                *o = libm::tanh(v);
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod avx {
        use super::F64s;
        use std::arch::x86_64::*;

        #[derive(Clone, Copy)]
        pub struct V(pub __m256d);

        // SAFETY (every method): the only caller, `tanh16_avx2`, runs with AVX2 enabled, and
        // these are inlined into it.
        impl F64s for V {
            type Mask = __m256d;
            const LANES: usize = 4;
            #[inline(always)]
            fn load(x: &[f64]) -> Self {
                V(unsafe { _mm256_loadu_pd(x[..4].as_ptr()) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f64]) {
                unsafe { _mm256_storeu_pd(out[..4].as_mut_ptr(), self.0) }
            }
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

    #[cfg(target_arch = "x86_64")]
    mod sse {
        use super::F64s;
        use std::arch::x86_64::*;

        #[derive(Clone, Copy)]
        pub struct V(pub __m128d);

        // SAFETY (every method): the only caller, `tanh16_sse41`, runs with SSE4.1 enabled, and
        // these are inlined into it.
        impl F64s for V {
            type Mask = __m128d;
            const LANES: usize = 2;
            #[inline(always)]
            fn load(x: &[f64]) -> Self {
                V(unsafe { _mm_loadu_pd(x[..2].as_ptr()) })
            }
            #[inline(always)]
            fn store(self, out: &mut [f64]) {
                unsafe { _mm_storeu_pd(out[..2].as_mut_ptr(), self.0) }
            }
            #[inline(always)]
            fn splat(v: f64) -> Self {
                V(unsafe { _mm_set1_pd(v) })
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                V(unsafe { _mm_add_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                V(unsafe { _mm_sub_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                V(unsafe { _mm_mul_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                V(unsafe { _mm_div_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn abs(self) -> Self {
                V(unsafe { _mm_andnot_pd(_mm_set1_pd(-0.0), self.0) })
            }
            #[inline(always)]
            fn neg(self) -> Self {
                V(unsafe { _mm_xor_pd(_mm_set1_pd(-0.0), self.0) })
            }
            #[inline(always)]
            fn min(self, o: Self) -> Self {
                V(unsafe { _mm_min_pd(self.0, o.0) })
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                V(unsafe { _mm_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(self.0) })
            }
            #[inline(always)]
            fn lt(self, o: Self) -> __m128d {
                unsafe { _mm_cmplt_pd(self.0, o.0) }
            }
            #[inline(always)]
            fn ge(self, o: Self) -> __m128d {
                unsafe { _mm_cmpge_pd(self.0, o.0) }
            }
            #[inline(always)]
            fn select(m: __m128d, a: Self, b: Self) -> Self {
                V(unsafe { _mm_blendv_pd(b.0, a.0, m) })
            }
            #[inline(always)]
            fn shl52(self) -> Self {
                V(unsafe { _mm_castsi128_pd(_mm_slli_epi64::<52>(_mm_castpd_si128(self.0))) })
            }
        }
    }

    /// `libm::tanh` of each lane, [`F64s::LANES`] at a time, bit for bit.
    #[inline(always)]
    fn tanh16_by<V: F64s>(x: &Lanes16) -> Lanes16 {
        let mut out = [0.0; 16];
        for (o, i) in out.chunks_exact_mut(V::LANES).zip(x.chunks_exact(V::LANES)) {
            tanh_large(V::load(i)).store(o);
        }
        small_from_libm(x, &mut out);
        out
    }

    /// `libm::tanh` of each lane with AVX2, bit for bit. All sixteen go through one
    /// `tanh_large`, four vectors side by side: one vector alone waits on each step of the
    /// polynomial and the divisions (a native epoch 3 % faster, `adsdl bench` alternately).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn tanh16_avx2(x: &Lanes16) -> Lanes16 {
        tanh16_by::<Pair<Pair<avx::V>>>(x)
    }

    /// `libm::tanh` of each lane with SSE4.1, two lanes at a time as in the page's simd128,
    /// bit for bit: for x86-64 CPUs without AVX2, and to compare widths (`adsdl bench --kernel`).
    ///
    /// # Safety
    /// The CPU must have SSE4.1.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "sse4.1")]
    pub unsafe fn tanh16_sse41(x: &Lanes16) -> Lanes16 {
        tanh16_by::<sse::V>(x)
    }

    /// `libm::tanh` of each lane in wasm's simd128, bit for bit. A call of its own: inlined
    /// into the kernel, the page's epoch was ~5 % slower (old and new module alternately in
    /// one page).
    #[cfg(target_arch = "wasm32")]
    #[inline(never)]
    pub fn tanh16_simd128(x: &Lanes16) -> Lanes16 {
        tanh16_by::<simd128::V>(x)
    }

    #[cfg(target_arch = "wasm32")]
    mod simd128 {
        use super::F64s;
        use core::arch::wasm32::*;

        #[derive(Clone, Copy)]
        pub struct V(pub v128);

        impl F64s for V {
            type Mask = v128;
            const LANES: usize = 2;
            #[inline(always)]
            fn load(x: &[f64]) -> Self {
                V(f64x2(x[0], x[1]))
            }
            #[inline(always)]
            fn store(self, out: &mut [f64]) {
                out[0] = f64x2_extract_lane::<0>(self.0);
                out[1] = f64x2_extract_lane::<1>(self.0);
            }
            #[inline(always)]
            fn splat(v: f64) -> Self {
                V(f64x2_splat(v))
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                V(f64x2_add(self.0, o.0))
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                V(f64x2_sub(self.0, o.0))
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                V(f64x2_mul(self.0, o.0))
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                V(f64x2_div(self.0, o.0))
            }
            #[inline(always)]
            fn abs(self) -> Self {
                V(f64x2_abs(self.0))
            }
            #[inline(always)]
            fn neg(self) -> Self {
                V(f64x2_neg(self.0))
            }
            #[inline(always)]
            fn min(self, o: Self) -> Self {
                V(f64x2_min(self.0, o.0))
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                V(f64x2_trunc(self.0))
            }
            #[inline(always)]
            fn lt(self, o: Self) -> v128 {
                f64x2_lt(self.0, o.0)
            }
            #[inline(always)]
            fn ge(self, o: Self) -> v128 {
                f64x2_ge(self.0, o.0)
            }
            #[inline(always)]
            fn select(m: v128, a: Self, b: Self) -> Self {
                V(v128_bitselect(a.0, b.0, m))
            }
            #[inline(always)]
            fn shl52(self) -> Self {
                V(i64x2_shl(self.0, 52))
            }
        }
    }
}

/// `libm::tanh` of each lane, bit for bit, where no x86 vector extension is asked for: simd128
/// in the page's wasm, libm itself natively (the x86 kernels call `tanh16_avx2` or
/// `tanh16_sse41` where the CPU has them).
#[inline(always)]
pub fn tanh16(x: &Lanes16) -> Lanes16 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return vector::tanh16_simd128(x);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
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
    fn the_vector_tanh_is_libm_bit_for_bit_on_every_path() {
        let mut checked = 0;
        for (name, has, tanh16) in [
            (
                "AVX2",
                std::arch::is_x86_feature_detected!("avx2"),
                tanh16_avx2 as unsafe fn(&Lanes16) -> Lanes16,
            ),
            (
                "SSE4.1",
                std::arch::is_x86_feature_detected!("sse4.1"),
                tanh16_sse41,
            ),
        ] {
            if !has {
                // The kernels then do not use it either.
                eprintln!("no {name} on this machine: its vector tanh is not checked");
                continue;
            }
            let xs = inputs();
            let mut values = 0;
            // Every input, the last ones (the special values) too: a short last group is
            // padded, and only its real lanes are compared.
            for chunk in xs.chunks(16) {
                let mut lanes: Lanes16 = [0.0; 16];
                lanes[..chunk.len()].copy_from_slice(chunk);
                // SAFETY: the CPU has the extension (checked above).
                let got = unsafe { tanh16(&lanes) };
                for (g, &x) in got.iter().zip(chunk) {
                    let want = libm::tanh(x);
                    assert!(
                        g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan()),
                        "{name}: tanh({x:e}) = {g:e}, libm {want:e}"
                    );
                    values += 1;
                }
            }
            assert_eq!(values, xs.len(), "{name}: every input compared");
            checked += 1;
        }
        // A run that compared nothing proves nothing: an x86-64 CPU without SSE4.1 (none made
        // since 2008) fails here rather than pass silently.
        assert!(
            checked > 0,
            "no vector tanh form could be checked on this CPU"
        );
        eprintln!("{checked} vector forms checked");
    }
}
