from django.urls import path

from motcua.feedback.views import answers, entry, petitions, ratings, repeats

app_name = "feedback"
urlpatterns = [
    path("ho-so/<str:code>/danh-gia/", ratings.rate, name="rate"),
    path("danh-gia-tai-quay/<str:token>/", ratings.counter_rate, name="counter-rate"),
    path("can-bo/ho-so/<str:code>/danh-gia-tai-quay/", ratings.open_counter_rating, name="counter-open"),
    path("can-bo/danh-gia/", ratings.agency_ratings, name="agency-ratings"),
    path("phan-anh-kien-nghi/gui/", petitions.send, name="send"),
    path("phan-anh-kien-nghi/cua-toi/", petitions.mine, name="mine"),
    path("phan-anh-kien-nghi/tra-cuu/", petitions.lookup, name="lookup"),
    path("phan-anh-kien-nghi/tra-loi/", answers.answers, name="answers"),
    path("phan-anh-kien-nghi/tra-loi/<str:code>/", answers.answer, name="answer"),
    path("phan-anh-kien-nghi/tra-loi/<str:code>/danh-dau/", answers.mark, name="mark"),
    path("phan-anh-kien-nghi/<str:code>/", petitions.petition, name="petition"),
    path("phan-anh-kien-nghi/<str:code>/bo-sung/", petitions.provide, name="provide"),
    path("can-bo/phan-anh-kien-nghi/", petitions.inbox, name="inbox"),
    path("can-bo/phan-anh-kien-nghi/ghi-nhan/", entry.record, name="record"),
    path("can-bo/phan-anh-kien-nghi/<str:code>/", petitions.official_petition, name="official-petition"),
    path("can-bo/phan-anh-kien-nghi/<str:code>/buoc/", petitions.take_step, name="step"),
    path("can-bo/phan-anh-kien-nghi/<str:code>/lap-lai/", repeats.repeat, name="repeat"),
    path(
        "can-bo/phan-anh-kien-nghi/<str:code>/tep-tin/<uuid:public_id>/",
        petitions.petition_file,
        name="petition-file",
    ),
]
