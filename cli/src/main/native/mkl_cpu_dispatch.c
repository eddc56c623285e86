/*
 * Lets the oneMKL linked into libtorch pick its kernels by what the CPU can do instead of by its vendor.
 *
 * oneMKL asks mkl_serv_intel_cpu_true() whether it runs on an Intel CPU and, when not, keeps to its AVX2 (or older)
 * code paths even on CPUs with AVX-512. On this project's 2-core AMD EPYC (Zen 5, AVX-512) that made every float32
 * matrix product in the transformer and the diffusion MLP run at AVX2 speed, and the few-row products of HART's
 * small scales ten times slower than the weights' bandwidth allows (measured: [2,1536]x[1536,4608] 2.4 ms vs
 * 0.28 ms). The kernels oneMKL then picks still follow the CPU's feature bits (AMX and AVX512-FP16 are checked
 * separately), so only instruction sets the CPU has are used; results differ from the AVX2 path by float32 rounding
 * only (the parity vectors pass either way).
 *
 * ./hart builds this file with the system C compiler and preloads it on AMD CPUs with AVX-512;
 * HART_MKL_DISPATCH=vendor turns it off. README "Performance".
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
