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

  ;; w[r] = Σ_c g[r·k + c]·q[c] for r < k (g: k×k row-major).
  (func (export "matvec_f64") (param $g i32) (param $q i32) (param $w i32) (param $k i32)
    (local $r i32) (local $row_bytes i32)
    (local.set $row_bytes (i32.shl (local.get $k) (i32.const 3)))
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
