/* The checkers' hot loops, compiled: langdetect's n-gram extraction and seeded random walk, and
 * the official word count.
 *
 * Why: seeded language detection was half of verification's CPU time, most of it numpy call
 * overhead on small arrays. This module does the same work in plain loops, with langdetect's own
 * float arithmetic (multiply in one n-gram per draw, normalise every fifth draw with Python's
 * sum()), so its answers are langdetect's, not an approximation of them. The word count is
 * `len(re.findall(r"\w+", text))` without building the list, using the same character test as
 * the re module's \w.
 * The Python callers (langid.py, text.py) use it when it was built and keep their pure paths
 * otherwise; the tests check both paths against the reference packages.
 *
 * Inputs are buffers (numpy arrays or bytes) read through the buffer protocol, so building it
 * needs only Python's headers, not numpy's.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define CP_BITS 21
#define N_TRIAL 7
#define ITERATION_LIMIT 1000
#define ALPHA 0.5
#define ALPHA_WIDTH 0.05
#define BASE_FREQ 10000.0
#define CONV_THRESHOLD 0.99999
#define PROB_THRESHOLD 0.1
#define MAX_LANGS 256

/* An open-addressing hash table of the profile's n-gram keys: slot i holds (key, row) at
 * table[2i], table[2i+1]; an empty slot's key is -1 (keys are positive). Built once per process
 * (about a millisecond); a lookup is one or two probes where a binary search took seventeen. */
static inline uint64_t slot_of(int64_t key, int bits) {
    return ((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
}

static int table_bits(Py_ssize_t n_slots) {
    int bits = 0;
    while (((Py_ssize_t)1 << bits) < n_slots) bits++;
    return bits;
}

static PyObject *gram_table(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer keys_buf, rows_buf;
    if (!PyArg_ParseTuple(args, "y*y*", &keys_buf, &rows_buf)) return NULL;
    const int64_t *keys = (const int64_t *)keys_buf.buf, *rows = (const int64_t *)rows_buf.buf;
    Py_ssize_t n = keys_buf.len / (Py_ssize_t)sizeof(int64_t);
    int bits = table_bits(2 * n + 2);
    Py_ssize_t size = (Py_ssize_t)1 << bits;
    PyObject *out = PyBytes_FromStringAndSize(NULL, size * 2 * (Py_ssize_t)sizeof(int64_t));
    if (out != NULL) {
        int64_t *table = (int64_t *)PyBytes_AS_STRING(out);
        for (Py_ssize_t i = 0; i < size; i++) table[2 * i] = -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t at = slot_of(keys[i], bits);
            while (table[2 * at] != -1) at = (at + 1) & (uint64_t)(size - 1);
            table[2 * at] = keys[i];
            table[2 * at + 1] = rows[i];
        }
    }
    PyBuffer_Release(&keys_buf);
    PyBuffer_Release(&rows_buf);
    return out;
}

/* Profile rows of the n-grams of `prepared` (" " + langdetect's cleaned text) that the profiles
 * know, in langdetect's order: per character, the unigram, the pair ending in it and the triple
 * ending in it, where langdetect's NGram buffer would emit them (langid.ngram_rows states the
 * rule). `table` comes from gram_table. */
static PyObject *ngram_rows(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text;
    Py_buffer table_buf;
    if (!PyArg_ParseTuple(args, "Uy*", &text, &table_buf)) return NULL;
    const int64_t *table = (const int64_t *)table_buf.buf;
    Py_ssize_t size = table_buf.len / (Py_ssize_t)(2 * sizeof(int64_t));
    int bits = table_bits(size);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = NULL;
    if (size < 2 || ((Py_ssize_t)1 << bits) != size) {
        PyErr_SetString(PyExc_ValueError, "ngram_rows: table is not from gram_table");
        goto done;
    }
    out = PyBytes_FromStringAndSize(NULL, (length > 1 ? 3 * (length - 1) : 0) * 8);
    if (out == NULL) goto done;
    int64_t *rows = (int64_t *)PyBytes_AS_STRING(out);
    Py_ssize_t count = 0;
    int64_t prev2 = 0, prev = length ? PyUnicode_READ(kind, data, 0) : 0;
    int prev_upper = length ? Py_UNICODE_ISUPPER((Py_UCS4)prev) : 0;
    for (Py_ssize_t i = 1; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int upper = Py_UNICODE_ISUPPER(ch);
        int space = ch == 32, prev_space = prev == 32;
        int letter = !space && !(upper && prev_upper);
        int after_word = space && !prev_space;
        int64_t pair = (prev << CP_BITS) | (int64_t)ch;
        int64_t grams[3] = {(int64_t)ch, pair, (prev2 << (2 * CP_BITS)) | pair};
        int wanted[3] = {letter, letter || after_word, (letter && !prev_space) || after_word};
        for (int g = 0; g < 3; g++) {
            if (!wanted[g]) continue;
            uint64_t at = slot_of(grams[g], bits);
            while (table[2 * at] != -1 && table[2 * at] != grams[g]) at = (at + 1) & (uint64_t)(size - 1);
            if (table[2 * at] == grams[g]) rows[count++] = table[2 * at + 1];
        }
        prev2 = prev;
        prev = (int64_t)ch;
        prev_upper = upper;
    }
    if (_PyBytes_Resize(&out, count * 8) < 0) out = NULL;
done:
    PyBuffer_Release(&table_buf);
    return out;
}

/* Python's sum() over floats: plain addition before 3.12, Neumaier's compensated sum since. */
static double python_sum(const double *values, int n) {
    double total = values[0];
#if PY_VERSION_HEX >= 0x030C0000
    double c = 0.0;
    for (int i = 1; i < n; i++) {
        double x = values[i], t = total + x;
        if (fabs(total) >= fabs(x)) c += (total - t) + x; else c += (x - t) + total;
        total = t;
    }
    if (c != 0.0 && isfinite(c)) total += c;
#else
    for (int i = 1; i < n; i++) total += values[i];
#endif
    return total;
}

/* langdetect's Detector._normalize_prob: divide by the sum, return the largest share. */
static double normalize(double *prob, int n) {
    double total = python_sum(prob, n), top = 0.0;
    for (int i = 0; i < n; i++) {
        double p = prob[i] / total;
        if (top < p) top = p;
        prob[i] = p;
    }
    return top;
}

/* random.random() from two consecutive Mersenne Twister words (CPython's formula). */
static double unit(uint32_t a, uint32_t b) {
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

/* True when no remaining trial can change the answer: each adds at most 1/N_TRIAL to any
 * language, so a lead above that bound (and above the threshold) is final. */
static int decided(const double *total, int n, int trials_left) {
    double leader = -1.0, runner_up = -1.0;
    for (int i = 0; i < n; i++) {
        if (total[i] > leader) { runner_up = leader; leader = total[i]; }
        else if (total[i] > runner_up) runner_up = total[i];
    }
    return leader - runner_up > (double)trials_left / N_TRIAL + 1e-9 && leader > PROB_THRESHOLD;
}

/* The 7 seeded trials of langdetect's Detector._detect_block over profile rows `rows`, drawing
 * from `words` (the seed's Mersenne Twister output from its start). Returns (index of the best
 * language, its probability), or None when `words` ran out (the caller extends and retries).
 * Trials stop once the answer is settled unless `all_trials` (then the probability is exactly
 * langdetect's, which the tests compare). */
static PyObject *walk(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer rows_buf, words_buf, data_buf, cols_buf, ptr_buf;
    int n_langs, all_trials = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*i|p", &rows_buf, &words_buf, &data_buf, &cols_buf, &ptr_buf,
                          &n_langs, &all_trials))
        return NULL;
    PyObject *result = NULL;
    const int64_t *rows = (const int64_t *)rows_buf.buf;
    const uint32_t *words = (const uint32_t *)words_buf.buf;
    const double *weights = (const double *)data_buf.buf;
    const int16_t *cols = (const int16_t *)cols_buf.buf;
    const int64_t *ptr = (const int64_t *)ptr_buf.buf;
    Py_ssize_t n_rows = rows_buf.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t n_words = words_buf.len / (Py_ssize_t)sizeof(uint32_t);
    if (n_langs < 1 || n_langs > MAX_LANGS || n_rows < 1 || n_rows > 0xFFFFFFFFLL) {
        PyErr_SetString(PyExc_ValueError, "walk: need 1..256 languages and 1..2**32-1 n-grams");
        goto done;
    }
    int bits = 0;
    for (uint64_t n = (uint64_t)n_rows; n; n >>= 1) bits++;
    int shift = 32 - bits;
    double total[MAX_LANGS] = {0.0}, prob[MAX_LANGS];
    Py_ssize_t pos = 0;
    int have_spare = 0;
    double spare = 0.0;
    for (int trial = 0; trial < N_TRIAL; trial++) {
        if (!all_trials && trial >= N_TRIAL / 2 + 1 && decided(total, n_langs, N_TRIAL - trial)) break;
        double z;
        if (!have_spare) {
            if (pos + 4 > n_words) { result = Py_NewRef(Py_None); goto done; }
            double x2pi = unit(words[pos], words[pos + 1]) * (2.0 * M_PI);
            double g2rad = sqrt(-2.0 * log(1.0 - unit(words[pos + 2], words[pos + 3])));
            pos += 4;
            z = cos(x2pi) * g2rad;
            spare = sin(x2pi) * g2rad;
            have_spare = 1;
        } else {
            z = spare;
            have_spare = 0;
        }
        double smoothing = (ALPHA + z * ALPHA_WIDTH) / BASE_FREQ;
        for (int j = 0; j < n_langs; j++) prob[j] = 1.0 / n_langs;
        for (int i = 0;; i++) {
            uint32_t pick;
            do {
                if (pos >= n_words) { result = Py_NewRef(Py_None); goto done; }
                pick = words[pos++] >> shift;
            } while ((Py_ssize_t)pick >= n_rows);
            int64_t row = rows[pick];
            double factor[MAX_LANGS];
            for (int j = 0; j < n_langs; j++) factor[j] = smoothing;
            for (int64_t k = ptr[row]; k < ptr[row + 1]; k++) factor[cols[k]] = smoothing + weights[k];
            for (int j = 0; j < n_langs; j++) prob[j] *= factor[j];
            if (i % 5 == 0 && (normalize(prob, n_langs) > CONV_THRESHOLD || i >= ITERATION_LIMIT)) break;
        }
        for (int j = 0; j < n_langs; j++) total[j] += prob[j] / N_TRIAL;
    }
    int best = 0;
    for (int j = 1; j < n_langs; j++)
        if (total[j] > total[best]) best = j;
    result = Py_BuildValue("(id)", best, total[best]);
done:
    PyBuffer_Release(&rows_buf);
    PyBuffer_Release(&words_buf);
    PyBuffer_Release(&data_buf);
    PyBuffer_Release(&cols_buf);
    PyBuffer_Release(&ptr_buf);
    return result;
}

/* Runs of \w characters: the re module's Unicode \w is Py_UNICODE_ISALNUM or '_'. */
static PyObject *count_words(PyObject *Py_UNUSED(self), PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "count_words: expected str");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(arg), count = 0;
    int kind = PyUnicode_KIND(arg), in_word = 0;
    const void *data = PyUnicode_DATA(arg);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int word = ch == '_' || Py_UNICODE_ISALNUM(ch);
        count += word && !in_word;
        in_word = word;
    }
    return PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"count_words", count_words, METH_O, "count_words(text) -> len(re.findall(r'\\w+', text))"},
    {"gram_table", gram_table, METH_VARARGS, "gram_table(keys, rows) -> bytes: the n-gram hash table"},
    {"ngram_rows", ngram_rows, METH_VARARGS, "ngram_rows(prepared, table) -> bytes of int64 profile rows"},
    {"walk", walk, METH_VARARGS,
     "walk(rows, words, data, cols, ptr, n_langs, all_trials=False) -> (best, probability) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
