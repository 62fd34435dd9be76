"""numpy reference of ONNX LinearAttention for test/lit/import/linear-attention.onnxtxt:
reads the inputs and edgec's outputs from the current folder and compares."""
import numpy as np

q, k, v, p, gk, gh, b = (np.load(n + ".npy").astype(np.float64) for n in ("q", "k", "v", "p", "gk", "gh", "b"))
B, T, Hq, Hkv, dk, dv = 1, 3, 4, 2, 3, 2


def run(rule, past, decay, beta, scale):
    S = np.zeros((B, Hkv, dk, dv)) if past is None else past.copy()
    out = np.zeros((B, T, Hq, dv))
    for t in range(T):
        for bb in range(B):
            for h in range(Hkv):
                kt, vt = k[bb, t, h * dk:(h + 1) * dk], v[bb, t, h * dv:(h + 1) * dv]
                s = S[bb, h]
                if rule in ("gated", "gated_delta"):
                    g = decay[bb, t, h * dk:(h + 1) * dk] if decay.shape[2] == Hkv * dk else decay[bb, t, h]
                    s = np.exp(g).reshape(-1, 1) * s if np.ndim(g) else np.exp(g) * s
                if rule in ("delta", "gated_delta"):
                    bt = beta[bb, t, h if beta.shape[2] == Hkv else 0]
                    s = s + np.outer(kt, bt * (vt - s.T @ kt))
                else:
                    s = s + np.outer(kt, vt)
                S[bb, h] = s
            for hq in range(Hq):
                qt = q[bb, t, hq * dk:(hq + 1) * dk]
                out[bb, t, hq] = scale * (qt @ S[bb, hq // (Hq // Hkv)])
    return out.reshape(B, T, Hq * dv), S


cases = [("linear", None, None, None, 1 / np.sqrt(dk)), ("gated", p, gh, None, 0.5),
         ("delta", p, None, b, 1 / np.sqrt(dk)), ("gated_delta", p, gk, b, 1 / np.sqrt(dk))]
for i, (rule, past, decay, beta, scale) in enumerate(cases):
    o, s = run(rule, past, decay, beta, scale)
    np.testing.assert_allclose(np.load(f"out/out_{2 * i}.npy"), o, rtol=1e-5, atol=1e-6, err_msg=rule)
    np.testing.assert_allclose(np.load(f"out/out_{2 * i + 1}.npy"), s, rtol=1e-5, atol=1e-6, err_msg=rule)
