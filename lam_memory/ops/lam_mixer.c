/* The LAM mixer's recurrence on the CPU, one token at a time per (row, head), fused with the gate math.

   Built on first use by lam_memory/ops/cpu.py with the system C compiler (-O3 -march=native, -DHEAD_DIM=d);
   the equations are those of lam_memory/ops/delta_rule.py and the encoder's LAMMixer, and the tests pin this
   kernel to their reference loop (`lam_recurrent`) and to the torch path of the whole mixer.

   Input: the mixer's fused projection `proj` (B, T, H, 3d + 4) in float32 or bfloat16, each head's row holding
   q, k, v (d each) and the gates beta, decay fast, decay slow, slow-read gate. Per token of head h:

       q, k = q / max(|q|, 1e-12), k / max(|k|, 1e-12)      beta = sigmoid(b) m      g = sigmoid(r)
       a_s = exp(-softplus(c_s))  (s = fast, slow)            m = 1 on real tokens, 0 on pads
       S_s = a_s S_s + beta k (v - a_s k^T S_s)^T            o = S_fast^T q + g S_slow^T q
                                                              (a pad leaves S as it is: beta = 0, a = 1)

   (the gated delta rule S = a (S - beta k k^T S) + beta k v^T, rearranged), and every `mix_every` tokens the
   convex exchange S_fast <- (1 - lf) S_fast + lf S_slow, S_slow <- (1 - ls) S_slow + ls S_fast. Heads below
   `half` read the span left to right from `state_in` (or zero) and leave their state in `state_out`; the others
   read each block of `block` tokens right to left from a zero state, over the block's real tokens first and its
   pads after them, exactly as the torch path's reversed rows. Output `out` (B, T, H, d) float32.

   The states of a task's heads (2 d x d floats each) stay in L1 cache for the whole span: no chunk
   intermediates, no Python loop, one call per layer. Tasks (a row, GROUP heads of one direction) are shared by
   `threads` threads through an atomic counter, so a core slowed by other work takes fewer of them; each task's
   arithmetic is the same whoever runs it, so results do not depend on the thread count. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#ifndef HEAD_DIM
#define HEAD_DIM 32
#endif
#define D HEAD_DIM
#if D % 2
#error "HEAD_DIM must be even"
#endif
#define W (3 * D + 4)
/* Heads per task: each token's rows of GROUP heads are adjacent in memory and read together; three heads' states
   (24 KiB) still fit in L1. 32 x 512 tokens x 12 heads, one thread: 61 ms per call one head per task, 54-56 ms
   with 2, 3 or 6 (three rounds, alternated). */
#define GROUP 3

typedef struct {
    const void *proj;
    int bf16;
    const int64_t *lengths;
    const float *state_in;
    float *state_out;
    const float *mix;
    float *out;
    int B, T, H, half, block, mix_every, group;
    int next;
} Job;

static void load_row(const Job *job, long at, float *x) {
    if (job->bf16) {
        const uint16_t *p = (const uint16_t *)job->proj + at;
        for (int i = 0; i < W; i++) {
            uint32_t u = (uint32_t)p[i] << 16;
            memcpy(&x[i], &u, sizeof u);
        }
    } else {
        memcpy(x, (const float *)job->proj + at, W * sizeof(float));
    }
}

static void unit(float *x) {
    float n = 0.0f;
    for (int i = 0; i < D; i++) n += x[i] * x[i];
    n = sqrtf(n);
    float inv = 1.0f / (n > 1e-12f ? n : 1e-12f);
    for (int i = 0; i < D; i++) x[i] *= inv;
}

static float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

/* f = x^T F and s = x^T L, each as two partial sums (even and odd rows) added at the end: four independent FMA
   chains hide each other's latency (one chain per sum was about twice as slow). */
static void products(float (*F)[D], float (*L)[D], const float *x, float *f, float *s) {
    float f0[D] = {0}, f1[D] = {0}, s0[D] = {0}, s1[D] = {0};
    for (int i = 0; i < D; i += 2)
        for (int j = 0; j < D; j++) {
            f0[j] += x[i] * F[i][j];
            f1[j] += x[i + 1] * F[i + 1][j];
            s0[j] += x[i] * L[i][j];
            s1[j] += x[i + 1] * L[i + 1][j];
        }
    for (int j = 0; j < D; j++) {
        f[j] = f0[j] + f1[j];
        s[j] = s0[j] + s1[j];
    }
}

/* One token of one head: update both states (unless it is a pad) and write the read to o. On a real token the
   read accumulates each row of the states right after its update, while it is in registers.
   exp(-softplus(c)) = 1 / (1 + e^c) = sigmoid(-c). */
static void token(float S[2][D][D], const Job *job, long at, int real, float *o) {
    float x[W];
    load_row(job, at, x);
    float *q = x, *k = x + D, *v = x + 2 * D;
    unit(q);
    unit(k);
    float g = sigmoid(x[3 * D + 3]);
    float (*F)[D] = S[0], (*L)[D] = S[1];
    float f[D], s[D];
    if (!real) {
        products(F, L, q, f, s);
        for (int j = 0; j < D; j++) o[j] = f[j] + g * s[j];
        return;
    }
    float beta = sigmoid(x[3 * D]), af = sigmoid(-x[3 * D + 1]), as = sigmoid(-x[3 * D + 2]);
    products(F, L, k, f, s);
    float uf[D], us[D];
    for (int j = 0; j < D; j++) {
        uf[j] = beta * (v[j] - af * f[j]);
        us[j] = beta * (v[j] - as * s[j]);
    }
    float f0[D] = {0}, f1[D] = {0}, s0[D] = {0}, s1[D] = {0};
    for (int i = 0; i < D; i += 2)
        for (int j = 0; j < D; j++) {
            F[i][j] = af * F[i][j] + k[i] * uf[j];
            F[i + 1][j] = af * F[i + 1][j] + k[i + 1] * uf[j];
            L[i][j] = as * L[i][j] + k[i] * us[j];
            L[i + 1][j] = as * L[i + 1][j] + k[i + 1] * us[j];
            f0[j] += q[i] * F[i][j];
            f1[j] += q[i + 1] * F[i + 1][j];
            s0[j] += q[i] * L[i][j];
            s1[j] += q[i + 1] * L[i + 1][j];
        }
    for (int j = 0; j < D; j++) o[j] = (f0[j] + f1[j]) + g * (s0[j] + s1[j]);
}

static void mix_states(float S[2][D][D], const float *mix) {
    float lf = mix[0], ls = mix[1];
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) {
            float f = S[0][i][j], s = S[1][i][j];
            S[0][i][j] = (1.0f - lf) * f + lf * s;
            S[1][i][j] = (1.0f - ls) * s + ls * f;
        }
}

/* One token (flat index `row` = b T + t) of heads h0 .. h0 + n - 1, then their mix where a mix boundary ends it. */
static void step(float S[][2][D][D], const Job *job, long row, int h0, int n, int real, int mix) {
    for (int i = 0; i < n; i++) {
        long at = row * job->H + h0 + i;
        token(S[i], job, at * W, real, job->out + at * D);
        if (mix) mix_states(S[i], job->mix + 2 * (h0 + i));
    }
}

/* Heads h0 .. h0 + n - 1 of row b (all forward or all backward), token by token: each token's n head rows are
   adjacent in memory, read together. */
static void run_task(const Job *job, int b, int h0, int n) {
    static const size_t state_bytes = 2 * D * D * sizeof(float);
    float S[GROUP][2][D][D];
    const int T = job->T, every = job->mix_every;
    const long len = job->lengths[b];
    if (h0 < job->half) {
        long slot = (long)b * job->half + h0;
        if (job->state_in)
            memcpy(S, job->state_in + slot * 2 * D * D, n * state_bytes);
        else
            memset(S, 0, n * state_bytes);
        for (int t = 0; t < T; t++) step(S, job, (long)b * T + t, h0, n, t < len, (t + 1) % every == 0);
        if (job->state_out) memcpy(job->state_out + slot * 2 * D * D, S, n * state_bytes);
        return;
    }
    const int Tb = T < job->block ? T : job->block;
    for (int start = 0; start < T; start += Tb) {
        long real = len - start;
        real = real < 0 ? 0 : (real > Tb ? Tb : real);
        memset(S, 0, n * state_bytes);
        for (int r = 0; r < Tb; r++) {
            int t = r < real ? start + (int)real - 1 - r : start + r;  /* real tokens reversed, then the pads */
            if (t >= T) break;
            step(S, job, (long)b * T + t, h0, n, r < real, (r + 1) % every == 0);
        }
    }
}

static void *worker(void *arg) {
    Job *job = arg;
    const int per_row = job->H / job->group, tasks = job->B * per_row;
    for (;;) {
        int task = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (task >= tasks) return NULL;
        run_task(job, task / per_row, (task % per_row) * job->group, job->group);
    }
}

int lam_mixer_head_dim(void) { return D; }

/* Returns 0, or -1 when a thread could not start (the caller's own thread still finishes every task). */
int lam_mixer(const void *proj, int bf16, const int64_t *lengths, const float *state_in, float *state_out,
              const float *mix, float *out, int B, int T, int H, int half, int block, int mix_every, int threads) {
    Job job = {proj, bf16, lengths, state_in, state_out, mix, out, B, T, H, half, block, mix_every, 1, 0};
    for (int n = GROUP; n > 1; n--)
        if (half % n == 0 && (H - half) % n == 0) {
            job.group = n;
            break;
        }
    enum { MAX_THREADS = 256 };
    pthread_t ids[MAX_THREADS];
    int started = 0, status = 0;
    /* No more threads than tasks, and none for less than MIN_WORK head-tokens (~2 ms at ~250 ns each, against tens
       of microseconds to start a thread): a query's few tokens run on the caller's thread alone. */
    enum { MIN_WORK = 8192 };
    long tasks = (long)B * H / job.group, by_work = (long)B * T * H / MIN_WORK;
    if (threads > tasks) threads = (int)tasks;
    if (threads > by_work) threads = by_work > 1 ? (int)by_work : 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&ids[started], NULL, worker, &job) != 0) {
            status = -1;
            break;
        }
        started++;
    }
    worker(&job);
    for (int i = 0; i < started; i++) pthread_join(ids[i], NULL);
    return status;
}
