from django.urls import path

from . import views

# Ids are read by the access helpers, which answer 404 (in JSON, like every API error) to anything that is not
# the id of an object the member may reach, malformed ids included. "received/" comes before "<referral_pk>/".
urlpatterns = [
    path("places/", views.PlaceSearchView.as_view(), name="place_search"),
    path("places/<str:place_pk>/", views.PlaceDetailView.as_view(), name="place_detail"),
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/received/", views.ReceivedListView.as_view(), name="received_list"),
    path("referrals/received/<str:incoming_pk>/", views.ReceivedDetailView.as_view(), name="received_detail"),
    path("referrals/<str:referral_pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
]
