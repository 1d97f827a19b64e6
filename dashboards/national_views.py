from django.shortcuts import render

from carecore.access import Perm, national_view
from dashboards import national
from dashboards.routes import national_pages
from schools.selectors import current_term, term_code, term_from_code


@national_pages("")
@national_view(Perm.VIEW_NATIONAL)
def overview(request):
    term = term_from_code(request.GET.get("term", "")) or current_term()
    result = national.overview(term=term) if term else None
    sort = request.GET.get("sort", "code")
    if sort not in national.SORTS:
        sort = "code"
    descending = request.GET.get("dir") == "desc"
    if result:
        result.rows.sort(key=national.SORTS[sort], reverse=descending)
    return render(
        request,
        "dashboards/national_overview.html",
        {
            "overview": result,
            "term": term,
            "term_code": term_code(term) if term else "",
            "sort": sort,
            "descending": descending,
        },
    )
