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
)
