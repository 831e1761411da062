from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("thanh-toan/<str:code>/", views.payment, name="payment"),
    path("thanh-toan/<str:code>/ket-qua/", views.result, name="result"),
]
