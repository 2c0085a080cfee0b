from django.urls import reverse

from mentoring.models import Role

from .factories import ConsentFactory, DepartmentFactory, MenteeEntryFactory, SchoolFactory


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_login_page_in_russian(client, db):
    response = client.get("/accounts/login/")
    assert "Вход в систему" in response.text
    assert 'lang="ru"' in response.text


def test_it_shows_the_curator_how_many_mentees_lack_a_consent(client_as, school):
    MenteeEntryFactory(school=school, person__school=school)
    with_consent = MenteeEntryFactory(school=school, person__school=school)
    ConsentFactory(person=with_consent.person)

    response = client_as(Role.CURATOR, school).get("/")

    assert response.context["bases"]["mentees"] == 2
    assert response.context["bases"]["mentees_without_consent"] == 1
    assert "Импортировать список класса" in response.text


def test_it_shows_the_coordinator_its_schools_side_by_side(client_as, db):
    department = DepartmentFactory()
    school = SchoolFactory(department=department)
    MenteeEntryFactory.create_batch(3, school=school, person__school=school)
    SchoolFactory()  # another department's school

    response = client_as(Role.COORDINATOR, department).get("/")

    rows = response.context["table"].rows
    assert [(row.school.short_name, row.mentees) for row in rows] == [(school.short_name, 3)]
    assert f"{reverse('mentee_list')}?school={school.pk}" in response.text


def test_it_shows_a_mentor_no_link_to_the_bases(client_as, school):
    response = client_as(Role.MENTOR, school).get("/")
    assert "База наставляемых" not in response.text
    assert "Как наставник" in response.text


def test_it_switches_only_to_an_organisation_where_the_user_works(client_as, school, other_school):
    client = client_as(Role.CURATOR, school)

    response = client.post("/organisation/switch/", {"organisation": other_school.pk}, follow=True)

    assert "Вы не работаете в этой организации." in response.text
    assert response.wsgi_request.organisation == school
