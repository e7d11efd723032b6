//! Line diff (longest common subsequence) of two texts, for reviewing changes
//! before they are saved.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffOp {
    Same,
    Removed,
    Added,
}

/// The lines of `a` and `b` in order, each marked same, removed or added.
pub fn line_diff(a: &str, b: &str) -> Vec<(DiffOp, String)> {
    let x: Vec<&str> = a.lines().collect();
    let y: Vec<&str> = b.lines().collect();
    // Common prefix and suffix first: the table stays small for typical edits.
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let suf = x[pre..]
        .iter()
        .rev()
        .zip(y[pre..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (xm, ym) = (&x[pre..x.len() - suf], &y[pre..y.len() - suf]);
    let mut dp = vec![vec![0u32; ym.len() + 1]; xm.len() + 1];
    for i in (0..xm.len()).rev() {
        for j in (0..ym.len()).rev() {
            dp[i][j] = if xm[i] == ym[j] {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let mut out: Vec<(DiffOp, String)> = x[..pre]
        .iter()
        .map(|l| (DiffOp::Same, l.to_string()))
        .collect();
    let (mut i, mut j) = (0, 0);
    while i < xm.len() && j < ym.len() {
        if xm[i] == ym[j] {
            out.push((DiffOp::Same, xm[i].to_string()));
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            out.push((DiffOp::Removed, xm[i].to_string()));
            i += 1;
        } else {
            out.push((DiffOp::Added, ym[j].to_string()));
            j += 1;
        }
    }
    out.extend(xm[i..].iter().map(|l| (DiffOp::Removed, l.to_string())));
    out.extend(ym[j..].iter().map(|l| (DiffOp::Added, l.to_string())));
    out.extend(
        x[x.len() - suf..]
            .iter()
            .map(|l| (DiffOp::Same, l.to_string())),
    );
    out
}
