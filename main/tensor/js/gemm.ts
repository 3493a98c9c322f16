// The plain row-major product both the float32 engine and the float64 linear algebra use.

/** C = A·B, A [m,k], B [k,n]; i-k-j order so the inner loop walks contiguous rows of B and C. */
export function matmulInto<T extends Float32Array | Float64Array>(a: T, b: T, c: T, m: number, k: number, n: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}
