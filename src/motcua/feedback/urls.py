from django.urls import path

from motcua.feedback.views import ratings

app_name = "feedback"
urlpatterns = [
    path("ho-so/<str:code>/danh-gia/", ratings.rate, name="rate"),
    path("danh-gia-tai-quay/<str:token>/", ratings.counter_rate, name="counter-rate"),
    path("can-bo/ho-so/<str:code>/danh-gia-tai-quay/", ratings.open_counter_rating, name="counter-open"),
    path("can-bo/danh-gia/", ratings.agency_ratings, name="agency-ratings"),
]
