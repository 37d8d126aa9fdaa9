/* render_json.c - the report as JSON, schema "strand.report/v1"
 * (docs/report-schema.md, docs/report.schema.json). Absent facts are null;
 * every finding of the report is written, whatever the text filters. */
#include "internal.h"
#include "jsonw.h"

static void write_loc(st_jsonw *w, const strand_loc *l)
{
    st_jw_obj_flat(w);
    st_jw_kstr_or_null(w, "function", l->function);
    st_jw_kstr_or_null(w, "file", l->file);
    st_jw_key(w, "line");
    if (l->line)
        st_jw_uint(w, l->line);
    else
        st_jw_null(w);
    st_jw_obj_end(w);
}

static void write_kloc(st_jsonw *w, const char *key, const strand_loc *l)
{
    st_jw_key(w, key);
    if ((l->function && *l->function) || (l->file && *l->file))
        write_loc(w, l);
    else
        st_jw_null(w);
}

static void write_minutes(st_jsonw *w, int32_t lo, int32_t hi)
{
    st_jw_key(w, "wait_minutes");
    if (lo < 0 && hi < 0) {
        st_jw_null(w);
        return;
    }
    st_jw_obj_flat(w);
    st_jw_key(w, "min");
    if (lo >= 0)
        st_jw_int(w, lo);
    else
        st_jw_null(w);
    st_jw_key(w, "max");
    if (hi >= 0)
        st_jw_int(w, hi);
    else
        st_jw_null(w);
    st_jw_obj_end(w);
}

static void write_stack(st_jsonw *w, const strand_finding *f)
{
    st_jw_key(w, "stack");
    st_jw_arr(w);
    for (size_t i = 0; i < f->n_stack; i++)
        write_loc(w, &f->stack[i]);
    st_jw_arr_end(w);
}

static void write_ids(st_jsonw *w, const strand_finding *f)
{
    st_jw_key(w, "goroutine_ids");
    if (!f->n_goroutine_ids) {
        st_jw_null(w);
        return;
    }
    st_jw_arr_flat(w);
    for (size_t i = 0; i < f->n_goroutine_ids; i++)
        st_jw_uint(w, f->goroutine_ids[i]);
    st_jw_arr_end(w);
}

static void write_evidence(st_jsonw *w, const strand_finding *f)
{
    st_jw_key(w, "evidence");
    st_jw_arr(w);
    for (size_t i = 0; i < f->n_evidence; i++)
        st_jw_str(w, f->evidence[i]);
    st_jw_arr_end(w);
}

static void write_labels(st_jsonw *w, const strand_report *r, const strand_finding *f)
{
    if (!f->n_labels)
        return;
    st_jw_key(w, "labels");
    st_jw_obj_flat(w);
    for (size_t i = 0; i < f->n_labels; i++) {
        st_jw_key(w, strand_report_str(r, f->labels[i].key));
        st_jw_str(w, strand_report_str(r, f->labels[i].value));
    }
    st_jw_obj_end(w);
}

static void write_trend(st_jsonw *w, const strand_finding *f)
{
    if (!f->n_trend)
        return;
    st_jw_key(w, "trend");
    st_jw_obj_flat(w);
    st_jw_key(w, "counts");
    st_jw_arr_flat(w);
    for (size_t i = 0; i < f->n_trend; i++)
        st_jw_int(w, f->trend_counts[i]);
    st_jw_arr_end(w);
    st_jw_key(w, "per_minute");
    if (f->per_minute != 0)
        st_jw_double(w, f->per_minute);
    else
        st_jw_null(w);
    st_jw_kstr_or_null(w, "shape", strand_trend_name(f->trend));
    st_jw_obj_end(w);
}

static void write_finding(st_jsonw *w, const strand_report *r, const strand_finding *f)
{
    st_jw_obj(w);
    st_jw_kstr(w, "verdict", strand_verdict_name(f->verdict));
    st_jw_kstr(w, "class", f->cls ? f->cls->id : "");
    st_jw_kstr(w, "title", f->cls ? f->cls->title : "");
    st_jw_kuint(w, "count", f->count);
    st_jw_kstr_or_null(w, "state", f->state);
    st_jw_kstr(w, "kind", strand_kind_name(f->kind));
    write_minutes(w, f->wait_min, f->wait_max);
    write_kloc(w, "site", &f->site);
    write_kloc(w, "created_by", &f->created_by);
    write_stack(w, f);
    write_ids(w, f);
    write_evidence(w, f);
    st_jw_kstr_or_null(w, "cause", f->cause);
    st_jw_kstr_or_null(w, "fix", f->fix);
    write_labels(w, r, f);
    if (f->group_members)
        st_jw_kuint(w, "group_members", f->group_members);
    write_trend(w, f);
    st_jw_obj_end(w);
}

static void write_diagnostics(st_jsonw *w, const strand_input_summary *in)
{
    st_jw_key(w, "diagnostics");
    st_jw_arr(w);
    for (size_t i = 0; i < in->n_diagnostics; i++) {
        const strand_diagnostic *d = &in->diagnostics[i];
        st_jw_obj_flat(w);
        st_jw_key(w, "line");
        if (d->line)
            st_jw_uint(w, d->line);
        else
            st_jw_null(w);
        st_jw_kstr(w, "message", d->message ? d->message : strand_strerror(d->code));
        st_jw_kuint(w, "offset", d->offset);
        st_jw_obj_end(w);
    }
    st_jw_arr_end(w);
}

static void write_inputs(st_jsonw *w, const strand_report *r)
{
    size_t n = 0;
    const strand_input_summary *in = strand_report_inputs(r, &n);
    st_jw_key(w, "inputs");
    st_jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        st_jw_obj(w);
        st_jw_kstr(w, "name", in[i].name);
        st_jw_kstr(w, "format", strand_format_name(in[i].format));
        st_jw_kuint(w, "goroutines", in[i].goroutines);
        write_diagnostics(w, &in[i]);
        st_jw_kuint(w, "diagnostic_total", in[i].diagnostic_total);
        st_jw_kuint(w, "skipped", in[i].skipped);
        st_jw_kstr_or_null(w, "reason", in[i].reason);
        st_jw_obj_end(w);
    }
    st_jw_arr_end(w);
}

static void write_summary(st_jsonw *w, const strand_finding *f, size_t n)
{
    uint64_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        if ((unsigned)f[i].verdict < 3)
            count[f[i].verdict]++;
    st_jw_key(w, "summary");
    st_jw_obj_flat(w);
    st_jw_kuint(w, "leak", count[STRAND_VERDICT_LEAK]);
    st_jw_kuint(w, "suspect", count[STRAND_VERDICT_SUSPECT]);
    st_jw_kuint(w, "ok", count[STRAND_VERDICT_OK]);
    st_jw_obj_end(w);
}

strand_code strand_report_write_json(const strand_report *r, const strand_render_options *o,
                                     const strand_sink *out, strand_error *err)
{
    (void)o; /* JSON has no presentation options: it always holds every finding */
    st_jsonw w;
    if (st_jw_init(&w, out, 2) || !r) {
        st_out_finish(&w.out, NULL);
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return STRAND_ERR_ARG;
    }
    size_t n = 0;
    const strand_finding *f = strand_report_findings(r, &n);
    st_jw_obj(&w);
    st_jw_kstr(&w, "schema", "strand.report/v1");
    write_inputs(&w, r);
    st_jw_kuint(&w, "goroutines", strand_report_goroutines(r));
    write_summary(&w, f, n);
    st_jw_key(&w, "findings");
    st_jw_arr(&w);
    for (size_t i = 0; i < n && !w.out.err; i++)
        write_finding(&w, r, &f[i]);
    st_jw_arr_end(&w);
    st_jw_obj_end(&w);
    return st_jw_finish(&w, err);
}
