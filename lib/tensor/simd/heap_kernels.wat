;; Element loops over the tfjs-wasm heap, with 128-bit SIMD. The module imports the backend's own
;; WebAssembly.Memory, so its arguments are byte offsets of tensors inside that heap (no copies).
;;
;; Each function evaluates the same float32 operations, in the same order, as the tfjs kernels it replaces
;; (plain f32 multiply and add, no fused multiply-add), so its results are bit-identical to theirs.
;;
;; Build: `deno run -A lib/tensor/simd/build.ts` writes heap_kernels_wasm.ts (checked by build_test.ts).
(module
  (import "env" "memory" (memory 0))

  ;; SGD with Nesterov momentum, in tfjs's MomentumOptimizer's order:
  ;;   a' = m·a + g;   v' = c·(g + a'·m) + v      (c = −learning rate)
  ;; reads v, a, g and writes v', a' (n floats each; outputs may alias inputs).
  (func (export "momentum_nesterov")
    (param $v i32) (param $a i32) (param $g i32) (param $v_out i32) (param $a_out i32) (param $n i32)
    (param $m f32) (param $c f32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $mm v128) (local $cc v128) (local $gv v128) (local $av v128)
    (local $gs f32) (local $as f32)
    (local.set $mm (f32x4.splat (local.get $m)))
    (local.set $cc (f32x4.splat (local.get $c)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $av
          (f32x4.add (f32x4.mul (local.get $mm) (v128.load (i32.add (local.get $a) (local.get $o))))
                     (local.get $gv)))
        (v128.store (i32.add (local.get $a_out) (local.get $o)) (local.get $av))
        (v128.store (i32.add (local.get $v_out) (local.get $o))
          (f32x4.add
            (f32x4.mul (local.get $cc) (f32x4.add (local.get $gv) (f32x4.mul (local.get $av) (local.get $mm))))
            (v128.load (i32.add (local.get $v) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $as
          (f32.add (f32.mul (local.get $m) (f32.load (i32.add (local.get $a) (local.get $o)))) (local.get $gs)))
        (f32.store (i32.add (local.get $a_out) (local.get $o)) (local.get $as))
        (f32.store (i32.add (local.get $v_out) (local.get $o))
          (f32.add
            (f32.mul (local.get $c) (f32.add (local.get $gs) (f32.mul (local.get $as) (local.get $m))))
            (f32.load (i32.add (local.get $v) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; The dense layers of `dense_stack.ts`. Offsets are in bytes; a matrix is `rows` rows of `cols` floats, its
  ;; rows `stride` floats apart. Each lane does what the scalar tail does, in the same order.

  ;; y ← y + b (b broadcast over the rows), then, when relu ≠ 0, y ← (y < 0 ? 0 : y) (NaN passes, −0 stays).
  (func (export "bias_activation")
    (param $y i32) (param $b i32) (param $rows i32) (param $cols i32) (param $stride i32) (param $relu i32)
    (local $r i32) (local $j i32) (local $row i32) (local $c4 i32) (local $p i32) (local $v v128) (local $s f32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row
          (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $stride)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_u (local.get $j) (local.get $c4)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $v
              (f32x4.add (v128.load (local.get $p))
                         (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
            (if (local.get $relu)
              (then
                (local.set $v
                  (v128.bitselect (v128.const i32x4 0 0 0 0) (local.get $v)
                    (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))))
            (v128.store (local.get $p) (local.get $v))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next4)))
        (block $done1
          (loop $next1
            (br_if $done1 (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $s
              (f32.add (f32.load (local.get $p))
                       (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
            (if (local.get $relu)
              (then (if (f32.lt (local.get $s) (f32.const 0)) (then (local.set $s (f32.const 0))))))
            (f32.store (local.get $p) (local.get $s))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; The ReLU's backward mask on a contiguous block of n floats: g ← (h > 0 ? g : 0), h the layer's output.
  (func (export "relu_mask") (param $g i32) (param $h i32) (param $n i32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $g) (local.get $o))
          (v128.and (v128.load (i32.add (local.get $g) (local.get $o)))
                    (f32x4.gt (v128.load (i32.add (local.get $h) (local.get $o))) (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (if (i32.eqz (f32.gt (f32.load (i32.add (local.get $h) (local.get $o))) (f32.const 0)))
          (then (f32.store (i32.add (local.get $g) (local.get $o)) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; out[j] ← Σ_r g[r·stride + j] for j < cols, summed over r = 0, 1, … in float32 (a bias gradient).
  (func (export "column_sums")
    (param $g i32) (param $out i32) (param $rows i32) (param $cols i32) (param $stride i32)
    (local $r i32) (local $j i32) (local $row i32) (local $c4 i32) (local $q i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $cols) (i32.const 2)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row
          (i32.add (local.get $g) (i32.shl (i32.mul (local.get $r) (local.get $stride)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_u (local.get $j) (local.get $c4)))
            (local.set $q (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $q)
              (f32x4.add (v128.load (local.get $q))
                         (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next4)))
        (block $done1
          (loop $next1
            (br_if $done1 (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $q (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $q)
              (f32.add (f32.load (local.get $q))
                       (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))
;; ---- The proximal-gradient loops of lib/sparse/ (soft threshold, FISTA's extrapolation) on arrays that
  ;; hostCompute hands out as views of the heap.

  ;; out ← soft(v, t) = v > t ? v − t : v < −t ? v + t : 0 over n floats (t ≥ 0; NaN → 0, −0 → 0), in float32:
  ;; `x − clip(x, −t, t)` of lib/sparse/soft_threshold.ts exactly.
  (func (export "soft_threshold") (param $v i32) (param $out i32) (param $n i32) (param $t f32)
    (local $i i32) (local $n4 i32) (local $o i32) (local $x v128) (local $tt v128) (local $nt v128)
    (local $s f32)
    (local.set $tt (f32x4.splat (local.get $t)))
    (local.set $nt (f32x4.neg (local.get $tt)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $x (v128.load (i32.add (local.get $v) (local.get $o))))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (v128.bitselect
            (f32x4.sub (local.get $x) (local.get $tt))
            (v128.and (f32x4.add (local.get $x) (local.get $tt)) (f32x4.lt (local.get $x) (local.get $nt)))
            (f32x4.gt (local.get $x) (local.get $tt))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $s (f32.load (i32.add (local.get $v) (local.get $o))))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (select
            (f32.sub (local.get $s) (local.get $t))
            (select (f32.add (local.get $s) (local.get $t)) (f32.const 0)
              (f32.lt (local.get $s) (f32.neg (local.get $t))))
            (f32.gt (local.get $s) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; The squared norms of the last `extrapolate` call: Σ (x − x_old)² and Σ x_old².
  (global $diff_sq (export "diff_sq") (mut f64) (f64.const 0))
  (global $old_sq (export "old_sq") (mut f64) (f64.const 0))

  ;; FISTA's extrapolation z ← x + m·(x − x_old) over n floats, in float64 per element (d = x − x_old, then
  ;; x + m·d, rounded once to float32 on store), and the two squared norms of its stopping test in float64, each
  ;; as four partial sums of the elements i ≡ 0..3 (mod 4), the n mod 4 leftovers into s0, (s0 + s1) + (s2 + s3):
  ;; the arithmetic of `extrapolateInto` in lib/sparse/fista.ts, lane by lane.
  (func (export "extrapolate") (param $x i32) (param $x_old i32) (param $z i32) (param $n i32) (param $m f64)
    (local $i i32) (local $n4 i32) (local $o i32) (local $mm v128)
    (local $xv v128) (local $ov v128) (local $xlo v128) (local $xhi v128) (local $olo v128) (local $ohi v128)
    (local $dlo v128) (local $dhi v128) (local $d01 v128) (local $d23 v128) (local $o01 v128) (local $o23 v128)
    (local $xs f64) (local $os f64) (local $ds f64) (local $d0 f64) (local $q0 f64)
    (local.set $mm (f64x2.splat (local.get $m)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o))))
        (local.set $ov (v128.load (i32.add (local.get $x_old) (local.get $o))))
        (local.set $xlo (f64x2.promote_low_f32x4 (local.get $xv)))
        (local.set $xhi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv))))
        (local.set $olo (f64x2.promote_low_f32x4 (local.get $ov)))
        (local.set $ohi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $ov) (local.get $ov))))
        (local.set $dlo (f64x2.sub (local.get $xlo) (local.get $olo)))
        (local.set $dhi (f64x2.sub (local.get $xhi) (local.get $ohi)))
        (v128.store (i32.add (local.get $z) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $xlo) (f64x2.mul (local.get $mm) (local.get $dlo))))
            (f32x4.demote_f64x2_zero (f64x2.add (local.get $xhi) (f64x2.mul (local.get $mm) (local.get $dhi))))))
        (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (local.get $dlo) (local.get $dlo))))
        (local.set $d23 (f64x2.add (local.get $d23) (f64x2.mul (local.get $dhi) (local.get $dhi))))
        (local.set $o01 (f64x2.add (local.get $o01) (f64x2.mul (local.get $olo) (local.get $olo))))
        (local.set $o23 (f64x2.add (local.get $o23) (f64x2.mul (local.get $ohi) (local.get $ohi))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next4)))
    (local.set $d0 (f64x2.extract_lane 0 (local.get $d01)))
    (local.set $q0 (f64x2.extract_lane 0 (local.get $o01)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xs (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $os (f64.promote_f32 (f32.load (i32.add (local.get $x_old) (local.get $o)))))
        (local.set $ds (f64.sub (local.get $xs) (local.get $os)))
        (f32.store (i32.add (local.get $z) (local.get $o))
          (f32.demote_f64 (f64.add (local.get $xs) (f64.mul (local.get $m) (local.get $ds)))))
        (local.set $d0 (f64.add (local.get $d0) (f64.mul (local.get $ds) (local.get $ds))))
        (local.set $q0 (f64.add (local.get $q0) (f64.mul (local.get $os) (local.get $os))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $diff_sq (f64.add
      (f64.add (local.get $d0) (f64x2.extract_lane 1 (local.get $d01)))
      (f64.add (f64x2.extract_lane 0 (local.get $d23)) (f64x2.extract_lane 1 (local.get $d23)))))
    (global.set $old_sq (f64.add
      (f64.add (local.get $q0) (f64x2.extract_lane 1 (local.get $o01)))
      (f64.add (f64x2.extract_lane 0 (local.get $o23)) (f64x2.extract_lane 1 (local.get $o23))))))

;; ---- float64 loops for the host-side Lanczos iteration (lib/sparse/spectral_norm.ts), on a memory of its own.
  ;; Each is the JavaScript loop it replaces, lane by lane: a dot product keeps four partial sums s0..s3 of the
  ;; elements i ≡ 0..3 (mod 4) (lanes of two f64x2 accumulators), the n mod 4 leftover elements go to s0, and the
  ;; result is (s0 + s1) + (s2 + s3); plain multiply and add, no fused multiply-add: the same bits as the JS.

  ;; Σ x[i]·y[i], i < n (x, y: byte offsets of float64 arrays).
  (func $dot_f64 (export "dot_f64") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $i i32) (local $n4 i32) (local $o i32) (local $s01 v128) (local $s23 v128) (local $s0 f64)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $s01 (f64x2.add (local.get $s01)
          (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $o)))
                     (v128.load (i32.add (local.get $y) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $s23 (f64x2.add (local.get $s23)
          (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $o)))
                     (v128.load (i32.add (local.get $y) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next4)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $s01)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul (f64.load (i32.add (local.get $x) (local.get $o)))
                   (f64.load (i32.add (local.get $y) (local.get $o))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (f64.add
      (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $s01)))
      (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23)))))

  ;; w[r] = Σ_c g[r·k + c]·q[c] for r < k (g: k×k row-major), each row with dot_f64's partial sums and order
  ;; (the same bits); four rows at a time, so that each load of q serves four rows.
  (func (export "matvec_f64") (param $g i32) (param $q i32) (param $w i32) (param $k i32)
    (local $r i32) (local $row_bytes i32) (local $r4 i32) (local $k4 i32) (local $c i32) (local $o i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $qa v128) (local $qb v128)
    (local $a0 v128) (local $b0 v128) (local $a1 v128) (local $b1 v128) (local $a2 v128) (local $b2 v128) (local $a3 v128) (local $b3 v128)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64)
    (local.set $row_bytes (i32.shl (local.get $k) (i32.const 3)))
    (local.set $r4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $rows4_done
      (loop $next_rows4
        (br_if $rows4_done (i32.ge_u (local.get $r) (local.get $r4)))
        (local.set $p0 (i32.add (local.get $g) (i32.mul (local.get $r) (local.get $row_bytes))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $row_bytes)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $row_bytes)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $row_bytes)))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $b0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $b2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $next_cols
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $k4)))
            (local.set $o (i32.shl (local.get $c) (i32.const 3)))
            (local.set $qa (v128.load (i32.add (local.get $q) (local.get $o))))
            (local.set $qb (v128.load (i32.add (local.get $q) (i32.add (local.get $o) (i32.const 16)))))
            (local.set $a0 (f64x2.add (local.get $a0)
              (f64x2.mul (v128.load (i32.add (local.get $p0) (local.get $o))) (local.get $qa))))
            (local.set $b0 (f64x2.add (local.get $b0)
              (f64x2.mul (v128.load (i32.add (local.get $p0) (i32.add (local.get $o) (i32.const 16)))) (local.get $qb))))
            (local.set $a1 (f64x2.add (local.get $a1)
              (f64x2.mul (v128.load (i32.add (local.get $p1) (local.get $o))) (local.get $qa))))
            (local.set $b1 (f64x2.add (local.get $b1)
              (f64x2.mul (v128.load (i32.add (local.get $p1) (i32.add (local.get $o) (i32.const 16)))) (local.get $qb))))
            (local.set $a2 (f64x2.add (local.get $a2)
              (f64x2.mul (v128.load (i32.add (local.get $p2) (local.get $o))) (local.get $qa))))
            (local.set $b2 (f64x2.add (local.get $b2)
              (f64x2.mul (v128.load (i32.add (local.get $p2) (i32.add (local.get $o) (i32.const 16)))) (local.get $qb))))
            (local.set $a3 (f64x2.add (local.get $a3)
              (f64x2.mul (v128.load (i32.add (local.get $p3) (local.get $o))) (local.get $qa))))
            (local.set $b3 (f64x2.add (local.get $b3)
              (f64x2.mul (v128.load (i32.add (local.get $p3) (i32.add (local.get $o) (i32.const 16)))) (local.get $qb))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $next_cols)))
        (local.set $t0 (f64x2.extract_lane 0 (local.get $a0)))
        (local.set $t1 (f64x2.extract_lane 0 (local.get $a1)))
        (local.set $t2 (f64x2.extract_lane 0 (local.get $a2)))
        (local.set $t3 (f64x2.extract_lane 0 (local.get $a3)))
        (block $tail_done
          (loop $next_tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $o (i32.shl (local.get $c) (i32.const 3)))
            (local.set $t0 (f64.add (local.get $t0)
              (f64.mul (f64.load (i32.add (local.get $p0) (local.get $o))) (f64.load (i32.add (local.get $q) (local.get $o))))))
            (local.set $t1 (f64.add (local.get $t1)
              (f64.mul (f64.load (i32.add (local.get $p1) (local.get $o))) (f64.load (i32.add (local.get $q) (local.get $o))))))
            (local.set $t2 (f64.add (local.get $t2)
              (f64.mul (f64.load (i32.add (local.get $p2) (local.get $o))) (f64.load (i32.add (local.get $q) (local.get $o))))))
            (local.set $t3 (f64.add (local.get $t3)
              (f64.mul (f64.load (i32.add (local.get $p3) (local.get $o))) (f64.load (i32.add (local.get $q) (local.get $o))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $next_tail)))
        (f64.store (i32.add (local.get $w) (i32.shl (i32.add (local.get $r) (i32.const 0)) (i32.const 3)))
          (f64.add (f64.add (local.get $t0) (f64x2.extract_lane 1 (local.get $a0)))
                   (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0)))))
        (f64.store (i32.add (local.get $w) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 3)))
          (f64.add (f64.add (local.get $t1) (f64x2.extract_lane 1 (local.get $a1)))
                   (f64.add (f64x2.extract_lane 0 (local.get $b1)) (f64x2.extract_lane 1 (local.get $b1)))))
        (f64.store (i32.add (local.get $w) (i32.shl (i32.add (local.get $r) (i32.const 2)) (i32.const 3)))
          (f64.add (f64.add (local.get $t2) (f64x2.extract_lane 1 (local.get $a2)))
                   (f64.add (f64x2.extract_lane 0 (local.get $b2)) (f64x2.extract_lane 1 (local.get $b2)))))
        (f64.store (i32.add (local.get $w) (i32.shl (i32.add (local.get $r) (i32.const 3)) (i32.const 3)))
          (f64.add (f64.add (local.get $t3) (f64x2.extract_lane 1 (local.get $a3)))
                   (f64.add (f64x2.extract_lane 0 (local.get $b3)) (f64x2.extract_lane 1 (local.get $b3)))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $next_rows4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $k)))
        (f64.store (i32.add (local.get $w) (i32.shl (local.get $r) (i32.const 3)))
          (call $dot_f64 (i32.add (local.get $g) (i32.mul (local.get $r) (local.get $row_bytes)))
                         (local.get $q) (local.get $k)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next))))

  ;; Orthogonalise w (n values) against the rows 0..m−1 of basis (m×n), twice (full reorthogonalisation):
  ;; for each pass and row i in order, c = dot(basis_i, w), then w[r] −= c·basis_i[r].
  (func (export "reorthogonalise_f64") (param $basis i32) (param $m i32) (param $w i32) (param $n i32)
    (local $pass i32) (local $i i32) (local $r i32) (local $n2 i32) (local $row i32) (local $o i32)
    (local $c f64) (local $cc v128)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $passes_done
      (loop $next_pass
        (br_if $passes_done (i32.ge_u (local.get $pass) (i32.const 2)))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $next_row
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $row (i32.add (local.get $basis) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
            (local.set $c (call $dot_f64 (local.get $row) (local.get $w) (local.get $n)))
            (local.set $cc (f64x2.splat (local.get $c)))
            (local.set $r (i32.const 0))
            (block $done2
              (loop $next2
                (br_if $done2 (i32.ge_u (local.get $r) (local.get $n2)))
                (local.set $o (i32.shl (local.get $r) (i32.const 3)))
                (v128.store (i32.add (local.get $w) (local.get $o))
                  (f64x2.sub (v128.load (i32.add (local.get $w) (local.get $o)))
                             (f64x2.mul (local.get $cc) (v128.load (i32.add (local.get $row) (local.get $o))))))
                (local.set $r (i32.add (local.get $r) (i32.const 2)))
                (br $next2)))
            (block $done1
              (loop $next1
                (br_if $done1 (i32.ge_u (local.get $r) (local.get $n)))
                (local.set $o (i32.shl (local.get $r) (i32.const 3)))
                (f64.store (i32.add (local.get $w) (local.get $o))
                  (f64.sub (f64.load (i32.add (local.get $w) (local.get $o)))
                           (f64.mul (local.get $c) (f64.load (i32.add (local.get $row) (local.get $o))))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $next1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next_row)))
        (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
        (br $next_pass))))
)
