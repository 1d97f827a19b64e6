"""The coordinator's pages of an import: upload, the job's progress, problems or preview, confirm,
retry, and the template file. One ``ImportViews`` per import (a subclass fills in what differs:
the form, the columns it explains, the preview's labels, what the page adds); its
``urlpatterns`` go in the app's URL configuration, each view behind the app's decorator. The
templates extend ``carecore/imports/{start,detail,fragment_status}.html``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecore.imports.models import ImportRecord
from carecore.imports.reading import FILE_MESSAGES, check_file_name

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

Status = ImportRecord.Status
STATUS_COLOURS = {
    Status.UPLOADED: "secondary",
    Status.VALIDATING: "info",
    Status.INVALID: "danger",
    Status.READY: "primary",
    Status.IMPORTING: "info",
    Status.DONE: "success",
    Status.FAILED: "danger",
}


class ImportFileForm(forms.Form):
    """The upload; an import's form adds its period (the academic year, the term)."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Thai TIS-620) or Excel .xlsx, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 10 MB."))
        problem = check_file_name(upload.name)
        if problem:
            raise forms.ValidationError(str(FILE_MESSAGES[problem]))
        return upload


class ImportViews:
    """Set ``importer`` (its model's app is the URL namespace), ``id_kwarg`` (the import's id in
    the URLs), ``form_class``, ``templates`` (the start and the detail page, which extend
    ``carecore/imports/start.html`` and ``detail.html``), ``title`` and ``importing_text``."""

    importer = None
    id_kwarg = "import_id"
    form_class = ImportFileForm
    templates = ("", "")
    status_template = "carecore/imports/fragment_status.html"
    title = ""
    importing_text = ""
    # The figures at the top of the summary: (key in the summary, label); those of
    # ``counts_if_any`` only when not zero.
    counts: tuple = ()
    counts_if_any: frozenset = frozenset()

    # --- what an import fills in -------------------------------------------------------------
    def initial(self, request) -> dict:
        return {}

    def columns(self) -> list[dict]:
        return []

    def template_file(self, request, fmt: str) -> tuple[bytes, str, str]:
        raise NotImplementedError

    def period_label(self, record) -> str:
        """The import's academic year or term, as the pages name it."""
        raise NotImplementedError

    def preview_row(self, row: dict) -> dict:
        return row

    def detail_context(self, request, record, summary: dict) -> dict:
        return {}

    # --- the engine --------------------------------------------------------------------------
    def _url(self, request, name: str, record=None) -> str:
        kwargs = {"school_code": request.school.code}
        if record is not None:
            kwargs[self.id_kwarg] = record.pk
        namespace = self.importer.model._meta.app_label
        return reverse(f"{namespace}:import_{name}", kwargs=kwargs)

    def _get(self, request, kwargs) -> ImportRecord:
        """An import of the request's school; any other id answers 404."""
        record = (
            self.importer.model.objects.filter(school=request.school, pk=kwargs[self.id_kwarg])
            .select_related(*self.importer.related)
            .first()
        )
        if record is None:
            raise Http404
        return record

    def _record_context(self, request, record) -> dict:
        record.period_label = self.period_label(record)
        return {
            "school": request.school,
            "title": self.title,
            "importing_text": self.importing_text,
            "status_template": self.status_template,
            "record": record,
            "start_url": self._url(request, "start"),
            "status_url": self._url(request, "status", record),
            "detail_url": self._url(request, "detail", record),
            "confirm_url": self._url(request, "confirm", record),
            "retry_url": self._url(request, "retry", record),
        }

    def start(self, request):
        form = self.form_class(
            request.POST or None, request.FILES or None, initial=self.initial(request)
        )
        if request.method == "POST" and form.is_valid():
            period = self.importer.period
            record = self.importer.create(
                school=request.school,
                uploaded_by=request.user,
                upload=form.cleaned_data["file"],
                **{period: form.cleaned_data[period]},
            )
            return redirect(self._url(request, "detail", record))
        recent = list(
            self.importer.model.objects.filter(school=request.school).select_related(
                *self.importer.related
            )[:10]
        )
        for record in recent:
            record.colour = STATUS_COLOURS[record.status]
            record.url = self._url(request, "detail", record)
            record.period_label = self.period_label(record)
        return render(
            request,
            self.templates[0],
            {
                "school": request.school,
                "title": self.title,
                "form": form,
                "columns": self.columns(),
                "recent": recent,
                "template_csv_url": self._url(request, "template_csv"),
                "template_xlsx_url": self._url(request, "template_xlsx"),
            },
        )

    def template(self, request, fmt):
        content, content_type, filename = self.template_file(request, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def detail(self, request, **kwargs):
        record = self._get(request, kwargs)
        summary = record.summary or {}
        schema = self.importer.schema
        errors = [
            {
                "row": e.get("row"),
                "column": schema.error_column(e),
                "value": e.get("value", ""),
                "message": schema.error_message(e),
            }
            for e in record.errors or []
        ]
        return render(
            request,
            self.templates[1],
            {
                **self._record_context(request, record),
                "colour": STATUS_COLOURS[record.status],
                "summary": summary,
                "errors": errors,
                "bad_rows": len({e["row"] for e in errors if e["row"] is not None}),
                "preview": [self.preview_row(p) for p in summary.get("preview", [])],
                "counts": [
                    {"key": key, "label": label, "value": summary.get(key) or 0}
                    for key, label in self.counts
                    if key not in self.counts_if_any or summary.get(key)
                ],
                **self.detail_context(request, record, summary),
            },
        )

    def status(self, request, **kwargs):
        """The progress fragment that htmx polls; once the job is over it sends the browser to
        the import's page."""
        record = self._get(request, kwargs)
        context = self._record_context(request, record)
        response = render(request, self.status_template, context)
        if not record.is_running and request.headers.get("HX-Request"):
            response["HX-Redirect"] = context["detail_url"]
        return response

    def confirm(self, request, **kwargs):
        record = self._get(request, kwargs)
        if not self.importer.confirm(record, user=request.user):
            messages.warning(request, _("This file is not ready to be imported."))
        return redirect(self._url(request, "detail", record))

    def retry(self, request, **kwargs):
        record = self._get(request, kwargs)
        if not self.importer.retry(record):
            messages.warning(request, _("Only a failed import can be tried again."))
        return redirect(self._url(request, "detail", record))

    def urlpatterns(self, decorator) -> list:
        """The import's URLs (under the school's), each view behind ``decorator`` (the app's
        permission)."""
        one = f"import/<int:{self.id_kwarg}>/"
        return [
            path("import/", decorator(self.start), name="import_start"),
            *(
                path(
                    f"import/template.{fmt}/",
                    decorator(self.template),
                    {"fmt": fmt},
                    name=f"import_template_{fmt}",
                )
                for fmt in ("csv", "xlsx")
            ),
            path(one, decorator(self.detail), name="import_detail"),
            path(f"{one}status/", decorator(self.status), name="import_status"),
            path(f"{one}confirm/", decorator(require_POST(self.confirm)), name="import_confirm"),
            path(f"{one}retry/", decorator(require_POST(self.retry)), name="import_retry"),
        ]
