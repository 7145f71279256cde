;; A float32 matrix product for machines without a native BLAS: C ← alpha·op(A)·op(B) + beta·C, row-major,
;; with 128-bit SIMD. The module owns its memory; the caller copies the operands in and the result out
;; (lib/tensor/blas/wasm_sgemm.ts). Offsets are in bytes, strides (lda, ldb, ldc) in floats.
;;
;; Arithmetic: every element of C is s = Σ_p a_ip·b_pj summed in order p = 0, 1, …, k−1 from 0, each product
;; rounded to float32 and then added (no fused multiply-add); then alpha·s, plus beta·c when beta ≠ 0. So an
;; element's bits depend on nothing but its row of op(A) and column of op(B): any cut of the rows or columns
;; of C between calls gives the same bits, and a scalar loop in that order reproduces them.
;;
;; Layout: op(A) is packed into panels of 4 rows (for each p, the 4 values side by side; rows past m are 0),
;; op(B) into panels of 8 columns (for each p, the 8 values; columns past n are 0); the micro-kernel keeps a
;; 4×8 block of C in 8 registers and walks p through one panel of each, four steps of p per loop turn. The B
;; panel (32·k bytes) stays in the first-level cache while the A panels stream past it. Measured on one core of
;; the 2-core AMD EPYC (Zen 5) of this project: 30–32 GFLOP/s on a training step's shapes, against ~18 for
;; tfjs-wasm's own product (3, 5 or 6 rows per block measured no faster).
;;
;; Build: `deno run -A lib/tensor/simd/build.ts` writes sgemm_wasm.ts (checked by build_test.ts).
(module
  (memory (export "memory") 1)

  ;; op(A) (m×k; element (i, p) at a + 4·(transA ? p·lda + i : i·lda + p)) into 4-row panels at $pa.
  (func $pack_a (param $ta i32) (param $m i32) (param $k i32) (param $a i32) (param $lda i32) (param $pa i32)
    (local $i i32) (local $p i32) (local $r i32) (local $row i32) (local $v f32) (local $src i32) (local $step i32)
    (block $panels_done
      (loop $next_panel
        (br_if $panels_done (i32.ge_u (local.get $i) (local.get $m)))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $m))
          (then
            ;; a whole panel: no bounds to test; $src walks p (the panel's first row), $step is p's stride
            (if (local.get $ta)
              (then
                (local.set $src (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (local.set $step (i32.shl (local.get $lda) (i32.const 2))))
              (else
                (local.set $src
                  (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
                (local.set $step (i32.const 4))))
            (local.set $p (i32.const 0))
            (block $p_done
              (loop $next_p
                (br_if $p_done (i32.ge_u (local.get $p) (local.get $k)))
                (if (local.get $ta)
                  (then (v128.store (local.get $pa) (v128.load (local.get $src))))
                  (else
                    (f32.store offset=0 (local.get $pa) (f32.load (local.get $src)))
                    (f32.store offset=4 (local.get $pa) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 1) (i32.shl (local.get $lda) (i32.const 2))))))
                    (f32.store offset=8 (local.get $pa) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 2) (i32.shl (local.get $lda) (i32.const 2))))))
                    (f32.store offset=12 (local.get $pa) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 3) (i32.shl (local.get $lda) (i32.const 2))))))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
                (local.set $src (i32.add (local.get $src) (local.get $step)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $next_p))))
          (else
            ;; the last rows: those past m are 0
            (local.set $p (i32.const 0))
            (block $p_done
              (loop $next_p
                (br_if $p_done (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $r (i32.const 0))
                (block $r_done
                  (loop $next_r
                    (br_if $r_done (i32.ge_u (local.get $r) (i32.const 4)))
                    (local.set $row (i32.add (local.get $i) (local.get $r)))
                    (local.set $v (f32.const 0))
                    (if (i32.lt_u (local.get $row) (local.get $m))
                      (then
                        (local.set $v
                          (f32.load
                            (i32.add (local.get $a)
                              (i32.shl
                                (if (result i32) (local.get $ta)
                                  (then (i32.add (i32.mul (local.get $p) (local.get $lda)) (local.get $row)))
                                  (else (i32.add (i32.mul (local.get $row) (local.get $lda)) (local.get $p))))
                                (i32.const 2)))))))
                    (f32.store (local.get $pa) (local.get $v))
                    (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $next_r)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $next_p)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next_panel))))

  ;; op(B) (k×n; element (p, j) at b + 4·(transB ? j·ldb + p : p·ldb + j)) into 8-column panels at $pb.
  (func $pack_b (param $tb i32) (param $n i32) (param $k i32) (param $b i32) (param $ldb i32) (param $pb i32)
    (local $j i32) (local $p i32) (local $c i32) (local $col i32) (local $v f32) (local $src i32) (local $row4 i32)
    (local.set $row4 (i32.shl (local.get $ldb) (i32.const 2)))
    (block $panels_done
      (loop $next_panel
        (br_if $panels_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.const 0))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n))
          (then
            (if (local.get $tb)
              (then
                ;; column j + c of op(B) is row j + c of B: eight rows read side by side, p by p
                (local.set $src
                  (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $ldb)) (i32.const 2))))
                (block $p_done
                  (loop $next_p
                    (br_if $p_done (i32.ge_u (local.get $p) (local.get $k)))
                    (f32.store offset=0 (local.get $pb) (f32.load (local.get $src)))
                    (f32.store offset=4 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 1) (local.get $row4)))))
                    (f32.store offset=8 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 2) (local.get $row4)))))
                    (f32.store offset=12 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 3) (local.get $row4)))))
                    (f32.store offset=16 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 4) (local.get $row4)))))
                    (f32.store offset=20 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 5) (local.get $row4)))))
                    (f32.store offset=24 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 6) (local.get $row4)))))
                    (f32.store offset=28 (local.get $pb) (f32.load (i32.add (local.get $src) (i32.mul (i32.const 7) (local.get $row4)))))
                    (local.set $src (i32.add (local.get $src) (i32.const 4)))
                    (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $next_p))))
              (else
                ;; a row segment of B: two vector copies
                (local.set $src (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
                (block $p_done
                  (loop $next_p
                    (br_if $p_done (i32.ge_u (local.get $p) (local.get $k)))
                    (v128.store (local.get $pb) (v128.load (local.get $src)))
                    (v128.store offset=16 (local.get $pb) (v128.load offset=16 (local.get $src)))
                    (local.set $src (i32.add (local.get $src) (local.get $row4)))
                    (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $next_p))))))
          (else
            ;; the last columns: those past n are 0
            (block $p_done
              (loop $next_p
                (br_if $p_done (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $c (i32.const 0))
                (block $c_done
                  (loop $next_c
                    (br_if $c_done (i32.ge_u (local.get $c) (i32.const 8)))
                    (local.set $col (i32.add (local.get $j) (local.get $c)))
                    (local.set $v (f32.const 0))
                    (if (i32.lt_u (local.get $col) (local.get $n))
                      (then
                        (local.set $v
                          (f32.load
                            (i32.add (local.get $b)
                              (i32.shl
                                (if (result i32) (local.get $tb)
                                  (then (i32.add (i32.mul (local.get $col) (local.get $ldb)) (local.get $p)))
                                  (else (i32.add (i32.mul (local.get $p) (local.get $ldb)) (local.get $col))))
                                (i32.const 2)))))))
                    (f32.store (i32.add (local.get $pb) (i32.shl (local.get $c) (i32.const 2))) (local.get $v))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $next_c)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $next_p)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $next_panel))))

  ;; One 4×8 block of C from a 4-row panel of A and an 8-column panel of B, k steps; only the first $rows rows and
  ;; $cols columns are written (the block's edge of C goes through the 128-byte scratch at $s).
  (func $block (param $pa i32) (param $pb i32) (param $k i32) (param $alpha f32) (param $beta f32)
    (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $s i32)
    (local $end i32) (local $b0 v128) (local $b1 v128) (local $a v128) (local $al v128) (local $be v128)
    (local $r i32) (local $j i32) (local $dst i32) (local $x f32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $pb) (i32.shl (local.get $k) (i32.const 5))))
    ;; four steps of p per turn while four remain, then one by one
    (block $pu_done
      (loop $next_pu
        (br_if $pu_done (i32.gt_u (i32.add (local.get $pb) (i32.const 128)) (local.get $end)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $b0 (v128.load offset=32 (local.get $pb)))
        (local.set $b1 (v128.load offset=48 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=16 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=20 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=24 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=28 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $b0 (v128.load offset=64 (local.get $pb)))
        (local.set $b1 (v128.load offset=80 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=32 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=36 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=40 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=44 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $b0 (v128.load offset=96 (local.get $pb)))
        (local.set $b1 (v128.load offset=112 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=48 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=52 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=56 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=60 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 128)))
        (br $next_pu)))
    (block $p_done
      (loop $next_p
        (br_if $p_done (i32.ge_u (local.get $pb) (local.get $end)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br $next_p)))
    (local.set $al (f32x4.splat (local.get $alpha)))
    (local.set $c00 (f32x4.mul (local.get $al) (local.get $c00)))
    (local.set $c01 (f32x4.mul (local.get $al) (local.get $c01)))
    (local.set $c10 (f32x4.mul (local.get $al) (local.get $c10)))
    (local.set $c11 (f32x4.mul (local.get $al) (local.get $c11)))
    (local.set $c20 (f32x4.mul (local.get $al) (local.get $c20)))
    (local.set $c21 (f32x4.mul (local.get $al) (local.get $c21)))
    (local.set $c30 (f32x4.mul (local.get $al) (local.get $c30)))
    (local.set $c31 (f32x4.mul (local.get $al) (local.get $c31)))
    (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
      (then
        (local.set $be (f32x4.splat (local.get $beta)))
        (local.set $dst (i32.add (local.get $c) (i32.shl (i32.mul (i32.const 0) (local.get $ldc)) (i32.const 2))))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $be) (v128.load offset=0 (local.get $dst)))))))
        (v128.store offset=0 (local.get $dst) (local.get $c00))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $be) (v128.load offset=16 (local.get $dst)))))))
        (v128.store offset=16 (local.get $dst) (local.get $c01))
        (local.set $dst (i32.add (local.get $c) (i32.shl (i32.mul (i32.const 1) (local.get $ldc)) (i32.const 2))))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $be) (v128.load offset=0 (local.get $dst)))))))
        (v128.store offset=0 (local.get $dst) (local.get $c10))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $be) (v128.load offset=16 (local.get $dst)))))))
        (v128.store offset=16 (local.get $dst) (local.get $c11))
        (local.set $dst (i32.add (local.get $c) (i32.shl (i32.mul (i32.const 2) (local.get $ldc)) (i32.const 2))))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $be) (v128.load offset=0 (local.get $dst)))))))
        (v128.store offset=0 (local.get $dst) (local.get $c20))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $be) (v128.load offset=16 (local.get $dst)))))))
        (v128.store offset=16 (local.get $dst) (local.get $c21))
        (local.set $dst (i32.add (local.get $c) (i32.shl (i32.mul (i32.const 3) (local.get $ldc)) (i32.const 2))))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $be) (v128.load offset=0 (local.get $dst)))))))
        (v128.store offset=0 (local.get $dst) (local.get $c30))
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $be) (v128.load offset=16 (local.get $dst)))))))
        (v128.store offset=16 (local.get $dst) (local.get $c31))
        (return)))
    (v128.store offset=0 (local.get $s) (local.get $c00))
    (v128.store offset=16 (local.get $s) (local.get $c01))
    (v128.store offset=32 (local.get $s) (local.get $c10))
    (v128.store offset=48 (local.get $s) (local.get $c11))
    (v128.store offset=64 (local.get $s) (local.get $c20))
    (v128.store offset=80 (local.get $s) (local.get $c21))
    (v128.store offset=96 (local.get $s) (local.get $c30))
    (v128.store offset=112 (local.get $s) (local.get $c31))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $next_col
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $dst
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ldc)) (local.get $j)) (i32.const 2))))
            (local.set $x
              (f32.load (i32.add (local.get $s) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2)))))
            (if (f32.ne (local.get $beta) (f32.const 0))
              (then (local.set $x (f32.add (local.get $x) (f32.mul (local.get $beta) (f32.load (local.get $dst)))))))
            (f32.store (local.get $dst) (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next_col)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))

  ;; C ← alpha·op(A)·op(B) + beta·C. $pa needs 16·⌈m/4⌉·k bytes, $pb 32·⌈n/8⌉·k, $s 128; none may overlap.
  (func (export "sgemm")
    (param $ta i32) (param $tb i32) (param $m i32) (param $n i32) (param $k i32) (param $alpha f32)
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $beta f32) (param $c i32) (param $ldc i32)
    (param $pa i32) (param $pb i32) (param $s i32)
    (local $i i32) (local $j i32) (local $bj i32) (local $ck i32)
    (call $pack_a (local.get $ta) (local.get $m) (local.get $k) (local.get $a) (local.get $lda) (local.get $pa))
    (call $pack_b (local.get $tb) (local.get $n) (local.get $k) (local.get $b) (local.get $ldb) (local.get $pb))
    (block $cols_done
      (loop $next_cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $bj (i32.add (local.get $pb) (i32.mul (i32.shl (local.get $j) (i32.const 2)) (local.get $k))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $next_rows
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
            (call $block
              (i32.add (local.get $pa) (i32.mul (i32.shl (local.get $i) (i32.const 2)) (local.get $k)))
              (local.get $bj) (local.get $k) (local.get $alpha) (local.get $beta)
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2)))
              (local.get $ldc)
              (select (i32.sub (local.get $m) (local.get $i)) (i32.const 4)
                (i32.lt_u (i32.sub (local.get $m) (local.get $i)) (i32.const 4)))
              (select (i32.sub (local.get $n) (local.get $j)) (i32.const 8)
                (i32.lt_u (i32.sub (local.get $n) (local.get $j)) (i32.const 8)))
              (local.get $s))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next_rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $next_cols))))
)
